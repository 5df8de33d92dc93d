"""A parameter row's label in the Parameters panel: its title, ``⇪ name`` when published.

In a short panel (a 1280x720 window's) the numeric rows are one line each and the label
gets a third of the panel's width, too little for "Custom saturation  ⇪
palette_saturation".  A plain QLabel cut the text mid-letter; this one keeps the title
whole and shortens the published name with "…" (down to the bare ⇪ mark), and its
tooltip says what the mark means, naming the control in full.
"""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

MARK = "⇪"


def published_tip(name: str, label: str) -> str:
    """What a row's ⇪ mark means, for its tooltip."""
    shown = f" (labelled '{label}')" if label else ""
    return (f"{MARK} Published as the control '{name}'{shown}:\n"
            "a field of that name in Scope and the exported plugin, and the name the live\n"
            f"controls use (OSC /cagraph/{name}, cagraph render --set, cagraph scope set;\n"
            "MIDI learn maps onto its published range).\n"
            "Right-click → Edit published… to rename or unpublish it.")


def fit_label(fm, title: str, pub: str | None, width: int) -> str:
    """The text a row's label shows in ``width`` px (font metrics ``fm``): the whole
    ``title  ⇪ pub`` where it fits; else the title whole and the name elided; else the
    title and the bare mark; else (a title wider than the label) the title elided, the
    mark kept."""
    full = f"{title}  {MARK} {pub}" if pub else title
    if width <= 0 or fm.horizontalAdvance(full) <= width:
        return full
    if not pub:
        return fm.elidedText(title, QtCore.Qt.ElideRight, width)
    head = f"{title} {MARK} "
    room = width - fm.horizontalAdvance(head)
    if room > 0:
        name = fm.elidedText(pub, QtCore.Qt.ElideRight, room)
        if len(name.rstrip("…")) >= 3:  # "pal…" says something; "p…" does not
            return head + name
    bare = f"{title} {MARK}"
    if fm.horizontalAdvance(bare) <= width:
        return bare
    room = width - fm.horizontalAdvance(f" {MARK}")
    return fm.elidedText(title, QtCore.Qt.ElideRight, max(0, room)) + f" {MARK}"


class ParamLabel(QtWidgets.QLabel):
    """The label of one parameter row; double-click asks for a reset."""

    reset_requested = QtCore.Signal()

    def __init__(self, title: str, tip: str, parent=None):
        super().__init__(title, parent)
        self._title = title
        self._tip = tip
        self._pub: tuple[str, str] | None = None  # (control name, its label)
        self._err: str | None = None
        self._fit()

    # what it says
    def full_text(self) -> str:
        return f"{self._title}  {MARK} {self._pub[0]}" if self._pub else self._title

    def published_name(self) -> str | None:
        return self._pub[0] if self._pub else None

    def set_published(self, pub) -> None:
        """``pub``: the row's :class:`nodes.graph.Published`, or None."""
        new = (pub.name, pub.label) if pub is not None else None
        if new != self._pub:
            self._pub = new
            self.updateGeometry()
            self._fit()

    def set_error(self, err: str | None) -> None:
        """A saved value this build rejects: said first in the tooltip."""
        if err != self._err:
            self._err = err
            self._apply_tip()

    # layout
    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 - Qt API
        s = super().sizeHint()
        m = self.contentsMargins()
        w = self.fontMetrics().horizontalAdvance(self.full_text()) + m.left() + m.right() + 2
        return QtCore.QSize(w, s.height())

    def minimumSizeHint(self) -> QtCore.QSize:  # noqa: N802 - Qt API
        # it can shrink (the text is shortened to fit), not to nothing
        s = super().minimumSizeHint()
        w = self.fontMetrics().horizontalAdvance(f"{self._title[:3]}… {MARK}")
        return QtCore.QSize(min(w, self.sizeHint().width()), s.height())

    def resizeEvent(self, ev) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(ev)
        self._fit()

    def showEvent(self, ev) -> None:  # noqa: N802 - Qt API
        super().showEvent(ev)
        self._fit()

    def mouseDoubleClickEvent(self, ev) -> None:  # noqa: N802 - Qt API
        self.reset_requested.emit()
        ev.accept()

    def _fit(self) -> None:
        shown = fit_label(self.fontMetrics(), self._title,
                          self._pub[0] if self._pub else None,
                          self.contentsRect().width() - 1)
        if shown != self.text():
            self.setText(shown)
        self._apply_tip()

    def _apply_tip(self) -> None:
        lines = []
        if self._err:
            lines.append(f"⚠ {self._err}: the default is shown; set a value to replace it.")
        if self.text() != self.full_text():
            lines.append(self.full_text())
        if self._pub:
            lines.append(published_tip(*self._pub))
        lines.append(self._tip)
        tip = "\n".join(lines)
        if tip != self.toolTip():
            self.setToolTip(tip)
