"""A word-wrapped label that can be held to a few lines, the rest elided ("…").

The Parameters panel's node description runs to seven lines for some nodes; in a short
panel (a 1280x720 window) it pushed the sliders below the fold.  There it is held to two
lines, the whole text in its tooltip.
"""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets


def clamp_text(text: str, font: QtGui.QFont, width: int, max_lines: int) -> str:
    """``text`` as it wraps at ``width`` px, cut to ``max_lines`` lines with the last one
    elided; ``max_lines`` 0 (or no width yet): the whole text."""
    if max_lines <= 0 or width <= 0:
        return text
    layout = QtGui.QTextLayout(text, font)
    opt = QtGui.QTextOption()
    opt.setWrapMode(QtGui.QTextOption.WordWrap)
    layout.setTextOption(opt)
    starts = []
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        starts.append(line.textStart())
    layout.endLayout()
    if len(starts) <= max_lines:
        return text
    cut = starts[max_lines - 1]
    last = QtGui.QFontMetrics(font).elidedText(text[cut:].replace("\n", " "),
                                                QtCore.Qt.ElideRight, width)
    head = text[:cut].rstrip()
    return f"{head}\n{last}" if head else last


class ClampedLabel(QtWidgets.QLabel):
    def __init__(self, text: str, max_lines: int = 0, parent=None):
        super().__init__(text, parent)
        self._full = text
        self._max_lines = max_lines
        self.setWordWrap(True)
        self.setToolTip(text)

    def full_text(self) -> str:
        return self._full

    def set_max_lines(self, n: int) -> None:
        if n != self._max_lines:
            self._max_lines = n
            self._clamp()

    def resizeEvent(self, ev) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(ev)
        self._clamp()

    def _clamp(self) -> None:
        # a couple of pixels spare: the label's own wrapping must not break the last line
        shown = clamp_text(self._full, self.font(), self.contentsRect().width() - 2,
                           self._max_lines)
        if shown != self.text():
            self.setText(shown)
