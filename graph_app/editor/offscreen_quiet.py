"""Qt's offscreen platform (the screenshot tool, the editor benchmarks) says "This plugin
does not support propagateSizeHints()" on every window it lays out: a line about the
platform, not about cagraph.  :func:`install` drops exactly that message, and only under
the offscreen platform; every other Qt message goes where it went before."""

from __future__ import annotations

import os
import sys

from PySide6 import QtCore, QtGui

#: the one message dropped
NOISE = "This plugin does not support propagateSizeHints()"

_installed = False
_previous = None


def offscreen() -> bool:
    """Whether Qt runs (or, before the application exists, will run) offscreen."""
    if QtGui.QGuiApplication.instance() is not None:
        return QtGui.QGuiApplication.platformName() == "offscreen"
    return os.environ.get("QT_QPA_PLATFORM", "").split(":")[0] == "offscreen"


def _handler(mode, context, message):
    if message == NOISE:
        return
    if _previous is not None:
        _previous(mode, context, message)
    else:  # Qt's own output: its format, on stderr
        sys.stderr.write(QtCore.qFormatLogMessage(mode, context, message) + "\n")


def install() -> bool:
    """Drop the offscreen platform's propagateSizeHints() line (once; a no-op on any other
    platform).  True when the filter is in place."""
    global _installed, _previous
    if _installed:
        return True
    if not offscreen():
        return False
    _previous = QtCore.qInstallMessageHandler(_handler)
    _installed = True
    return True
