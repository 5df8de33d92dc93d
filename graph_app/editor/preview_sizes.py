"""The preview's size menu: each entry says the grid it simulates for this graph, the
graph's own size is one of them (bold in the list), and the size that runs is the checked
one (a size the list lacks, such as a graph's 384 or a rectangular graph's 320 side, gets
its own entry).  An entry that a Gray-Scott or MNCA graph lifts to a finer grid says so
(``256 px (simulates 512)`` in the list; ``256→512`` on the closed box, which stays about
as narrow as the plain entries: the preview column, and so the canvas, keeps its width)."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from nodes.errors import GraphError
from nodes import sim_grid
from nodes.evaluator import resolve_grid

#: the sizes always offered (the grid's side, or a rectangular grid's shorter side)
LISTED = (256, 512, 1024)


def own_size(meta) -> int | None:
    """The graph's own size: its square side, or its rectangular grid's shorter side."""
    if meta is None:
        return None
    grid = getattr(meta, "grid", None)
    return int(min(grid)) if grid else int(meta.size)


def _grid(meta, size: int) -> tuple[int, int]:
    """The grid (width, height) the graph runs at ``size`` (``size`` squared when the meta
    is missing or refuses it)."""
    try:
        return resolve_grid(meta, size=size) if meta is not None else (size, size)
    except GraphError:
        return size, size


def label(meta, size: int) -> str:
    """``512 px`` for a square grid, ``576×320`` for a rectangular one (the menu's entry:
    short, so that the preview column keeps its width whatever graph is open)."""
    w, h = _grid(meta, size)
    return f"{size} px" if w == h else f"{w}×{h}"


def lifted_grid(meta, size: int, graph) -> tuple[int, int] | None:
    """The finer grid ``graph`` at ``size`` simulates (nodes.sim_grid), or None."""
    w, h = _grid(meta, size)
    k = sim_grid.lift_factor(graph, (w, h)) if graph is not None else 1
    return (w * k, h * k) if k > 1 else None


def entry_texts(meta, size: int, graph) -> tuple[str, str]:
    """(the list's text, the closed box's text) of the entry for ``size``: the plain label
    twice, or for a lifted entry ``256 px (simulates 512)`` / ``256→512`` (a rectangular
    one ``464×256 (simulates 928×512)`` / ``464×256 ×2``)."""
    text = label(meta, size)
    lifted = lifted_grid(meta, size, graph)
    if lifted is None:
        return text, text
    w, h = _grid(meta, size)
    if w == h:
        return f"{text} (simulates {lifted[0]})", f"{size}→{lifted[0]}"
    return f"{text} (simulates {lifted[0]}×{lifted[1]})", f"{text} ×{lifted[0] // w}"


#: the item data role holding an entry's closed-box text
CLOSED_ROLE = QtCore.Qt.UserRole + 1


class SizeBox(QtWidgets.QComboBox):
    """A combo box whose closed face shows the current entry's shorter text
    (``CLOSED_ROLE``) and is as wide as the longest of those; the list shows the full
    entries."""

    def _closed(self, i: int) -> str:
        t = self.itemData(i, CLOSED_ROLE)
        return t if isinstance(t, str) and t else self.itemText(i)

    def _saved_width(self) -> int:
        # how much narrower the closed texts are than the entries AdjustToContents sizes for
        if not self.count():
            return 0
        fm = self.fontMetrics()
        full = max(fm.horizontalAdvance(self.itemText(i)) for i in range(self.count()))
        closed = max(fm.horizontalAdvance(self._closed(i)) for i in range(self.count()))
        return max(0, full - closed)

    def sizeHint(self):
        s = super().sizeHint()
        return QtCore.QSize(s.width() - self._saved_width(), s.height())

    def minimumSizeHint(self):
        s = super().minimumSizeHint()
        return QtCore.QSize(max(0, s.width() - self._saved_width()), s.height())

    def currentClosedText(self) -> str:
        """What the closed box shows."""
        return self._closed(self.currentIndex()) if self.currentIndex() >= 0 else ""

    def paintEvent(self, event):
        p = QtWidgets.QStylePainter(self)
        opt = QtWidgets.QStyleOptionComboBox()
        self.initStyleOption(opt)
        opt.currentText = self.currentClosedText()
        p.drawComplexControl(QtWidgets.QStyle.CC_ComboBox, opt)
        p.drawControl(QtWidgets.QStyle.CE_ComboBoxLabel, opt)

    def showPopup(self):
        # the list is as wide as its longest entry, wider than the closed box if need be
        fm = self.view().fontMetrics()
        widest = max((fm.horizontalAdvance(self.itemText(i)) for i in range(self.count())),
                     default=0)
        self.view().setMinimumWidth(widest + 48)
        super().showPopup()


def lifted_note(meta, size: int, graph) -> str:
    """``simulated at 512×512 and scaled down`` when ``graph`` at ``size`` simulates a
    finer grid (Gray-Scott, MNCA: nodes.sim_grid), else ''.  The entry's tooltip and the
    preview's corner say it."""
    lifted = lifted_grid(meta, size, graph)
    return f"simulated at {lifted[0]}×{lifted[1]} and scaled down" if lifted else ""


def entries(meta, current: int) -> list[tuple[str, int]]:
    """(label, size) for the listed sizes, the graph's own and the one running, in order."""
    sizes = set(LISTED) | {int(current)}
    own = own_size(meta)
    if own:
        sizes.add(own)
    return [(label(meta, s), s) for s in sorted(sizes)]


def fill(box, meta, current: int, graph=None) -> None:
    """Refill the combo box ``box`` for ``meta`` with ``current`` checked, silently (no
    size change is sent to the preview)."""
    box.setSizeAdjustPolicy(box.SizeAdjustPolicy.AdjustToContents)  # 1840×1024 fits
    box.blockSignals(True)
    try:
        box.clear()
        own = own_size(meta)
        for _, s in entries(meta, current):
            text, closed = entry_texts(meta, s, graph)
            box.addItem(text, s)
            i = box.count() - 1
            box.setItemData(i, closed, CLOSED_ROLE)
            note = lifted_note(meta, s, graph)
            tips = [f"{note.capitalize()}: {sim_grid.why(graph)}" if note else ""]
            if s == own:  # the graph's own size: bold in the list, said in its tooltip
                font = box.font()
                font.setBold(True)
                box.setItemData(i, font, QtCore.Qt.FontRole)
                tips.insert(0, "The graph's own size")
            tip = "; ".join(t for t in tips if t)
            if tip:
                box.setItemData(i, tip, QtCore.Qt.ToolTipRole)
        box.setCurrentIndex(box.findData(int(current)))
    finally:
        box.blockSignals(False)
    # the preview column is as wide as its transport row needs: room for the longest grid
    box.setMinimumWidth(box.sizeHint().width())
    # the engine that needs a finer grid names itself (nodes.sim_grid.why: its title and
    # its own min_grid), e.g. 'MNCA needs at least 512 px to draw its pattern'
    why = sim_grid.why(graph) if graph is not None else ""
    lift = (f"; {why}: a smaller size simulates at {sim_grid.min_grid(graph)} or more and is "
            "scaled down (the preview's corner says the grid that runs)" if why else "")
    box.setToolTip("Preview simulation size (a rectangular graph's shorter side, its "
                   "shape kept)" + lift
                   + (f"; the graph's own: {label(meta, own)}" if own else ""))


def install(win) -> None:
    """The menu follows the document: a new graph, a size or grid change (an undo too)."""
    def follow(*_):
        win.preview.set_graph_meta(win.doc.graph.meta, win.doc.graph)

    def changed(event, payload):
        # the grid that runs follows the size and grid, and whether a node that needs 512
        # (Gray-Scott, MNCA) runs (added, removed, wired, bypassed, its scaling toggled)
        if event in ("meta_changed", "node_added", "node_removed", "linked", "unlinked",
                     "bypass_changed") or (event == "param_changed" and (payload or {}).get(
                         "name") == "scale_diffusion"):
            follow()

    win.doc.reset.connect(follow)
    win.doc.model_event.connect(changed)
    follow()
