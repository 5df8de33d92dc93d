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


def paint(p: QtGui.QPainter, area: QtCore.QRect, text: str) -> QtCore.QRect:
    """Draw ``text`` on a dark translucent box at the top left of ``area`` (the drawn
    picture, so the box never hangs over the bars beside it); the text is elided and the
    box shrunk and clipped to fit inside ``area``.  Returns the box (empty when nothing
    fits)."""
    fm = p.fontMetrics()
    inner = area.adjusted(4, 4, -4, -4)
    w = min(inner.width(), fm.horizontalAdvance(text) + 14)
    h = min(inner.height(), fm.height() + 8)
    if w < 12 or h < 4:  # no room for even an ellipsis: draw nothing rather than spill
        return QtCore.QRect()
    box = QtCore.QRect(inner.left(), inner.top(), w, h)
    p.save()
    p.setClipRect(box)  # a short picture cuts the text's descenders, never the frame's edge
    p.fillRect(box, HUD_BACKING)
    p.setPen(QtGui.QColor(theme.TEXT))
    p.drawText(box.adjusted(7, 0, -4, 0), QtCore.Qt.AlignLeft | QtCore.Qt.AlignVCenter,
               fm.elidedText(text, QtCore.Qt.ElideRight, max(0, w - 11)))
    p.restore()
    return box
