"""A label for text that changes every frame: the preview's fps line, a driven param's live
value.

``QLabel.setText`` asks the window to lay itself out again (its size hint may have
changed).  Called once per preview frame, those layout passes took about a quarter of the
UI thread while a 1024 preview ran, and the preview thread waited on it.  A ``LiveText``
repaints itself only: its size comes from a template text, set with :meth:`fit` when what
it will show changes shape (a param gets or loses its driver), and a longer text is
elided to that width.

Where the label may be narrower than its template (the preview's stats line in a
1280-wide window), :meth:`set_forms` gives the same information in shorter forms too: a
paint draws the longest form that fits the width it has, so choosing one lays nothing out.
"""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets


class LiveText(QtWidgets.QLabel):
    def __init__(self, text: str = "", template: str | None = None, parent=None):
        super().__init__(parent)
        self._forms: tuple[str, ...] = (text,)
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
        self.set_forms(text)

    def set_forms(self, *forms: str) -> None:
        """The text in one or more forms, longest first: a paint draws the first that fits
        the label's width (the last one elided when none does)."""
        if forms and forms != self._forms:
            self._forms = tuple(forms)
            self.update()

    def text(self) -> str:
        """The full text (the first form)."""
        return self._forms[0]

    def shown_text(self) -> str:
        """What a paint draws at the label's width now."""
        fm, width = self.fontMetrics(), self.contentsRect().width()
        for form in self._forms:
            if fm.horizontalAdvance(form) <= width:
                return form
        return fm.elidedText(self._forms[-1], QtCore.Qt.ElideRight, width)

    def paintEvent(self, _ev) -> None:  # noqa: N802 - Qt API
        p = QtGui.QPainter(self)
        p.setPen(self.palette().color(self.foregroundRole()))
        p.setFont(self.font())
        p.drawText(self.contentsRect(), int(self.alignment() | QtCore.Qt.AlignVCenter),
                   self.shown_text())
        p.end()
