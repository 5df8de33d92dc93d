"""A label for text that changes every frame: the preview's fps line, a driven param's live
value.

``QLabel.setText`` asks the window to lay itself out again (its size hint may have
changed).  Called once per preview frame, those layout passes took about a quarter of the
UI thread while a 1024 preview ran, and the preview thread waited on it.  A ``LiveText``
repaints itself only: its size comes from a template text, set with :meth:`fit` when what
it will show changes shape (a param gets or loses its driver), and a longer text is
elided to that width.
"""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets


class LiveText(QtWidgets.QLabel):
    def __init__(self, text: str = "", template: str | None = None, parent=None):
        super().__init__(parent)
        self._text = text
        super().setText(text if template is None else template)

    def fit(self, template: str) -> None:
        """Size the label for ``template`` (the widest text it is expected to show)."""
        if template != super().text():
            super().setText(template)

    def minimumSizeHint(self) -> QtCore.QSize:  # noqa: N802 - Qt API
        # the template is the width it would like, not a floor: a narrow panel elides it
        # instead of growing (a QLabel's minimum is its whole text)
        hint = super().minimumSizeHint()
        return QtCore.QSize(min(hint.width(), self.fontMetrics().horizontalAdvance("0") * 6),
                            hint.height())

    def setText(self, text: str) -> None:  # noqa: N802 - Qt API
        if text != self._text:
            self._text = text
            self.update()

    def text(self) -> str:
        return self._text

    def paintEvent(self, _ev) -> None:  # noqa: N802 - Qt API
        p = QtGui.QPainter(self)
        r = self.contentsRect()
        p.setPen(self.palette().color(self.foregroundRole()))
        p.setFont(self.font())
        shown = self.fontMetrics().elidedText(self._text, QtCore.Qt.ElideRight, r.width())
        p.drawText(r, int(self.alignment() | QtCore.Qt.AlignVCenter), shown)
        p.end()
