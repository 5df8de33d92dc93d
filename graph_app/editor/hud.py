"""The preview's heads-up display: a legible text box and a shown-frames rate."""

from __future__ import annotations

import time
from collections import deque

from PySide6 import QtCore, QtGui

from . import theme

#: the HUD's backing: dark and mostly opaque, so white text reads over a white probe
HUD_BACKING = QtGui.QColor(8, 9, 12, 200)


class ShownRate:
    """Frames per second actually painted: the frames shown in the last ``window`` seconds
    (a frame the worker made but the UI never took does not count)."""

    def __init__(self, window: float = 1.5, clock=time.perf_counter):
        self.window = window
        self.clock = clock
        self._t: deque = deque()

    def tick(self) -> float:
        now = self.clock()
        self._t.append(now)
        while len(self._t) > 2 and now - self._t[0] > self.window:
            self._t.popleft()
        return self.rate()

    def rate(self) -> float:
        if len(self._t) < 2:
            return 0.0
        span = self._t[-1] - self._t[0]
        return (len(self._t) - 1) / span if span > 0 else 0.0

    def reset(self) -> None:
        self._t.clear()


def paint(p: QtGui.QPainter, width: int, text: str) -> QtCore.QRect:
    """Draw ``text`` top-left on a dark translucent box; returns the box."""
    fm = p.fontMetrics()
    w = min(width - 8, fm.horizontalAdvance(text) + 14)
    box = QtCore.QRect(4, 4, max(0, w), fm.height() + 8)
    p.fillRect(box, HUD_BACKING)
    p.setPen(QtGui.QColor(theme.TEXT))
    p.drawText(box.adjusted(7, 0, -4, 0), QtCore.Qt.AlignLeft | QtCore.Qt.AlignVCenter,
               fm.elidedText(text, QtCore.Qt.ElideRight, max(0, w - 11)))
    return box
