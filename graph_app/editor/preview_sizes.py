"""The preview's size menu: each entry says the grid it simulates for this graph, the
graph's own size is one of them (bold in the list), and the size that runs is the checked
one (a size the list lacks, such as a graph's 384 or a rectangular graph's 320 side, gets
its own entry)."""

from __future__ import annotations

from PySide6 import QtCore

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


def lifted_note(meta, size: int, graph) -> str:
    """``simulated at 512×512 and scaled down`` when ``graph`` at ``size`` simulates a
    finer grid (Gray-Scott, MNCA: nodes.sim_grid), else ''.  The entry's tooltip and the
    preview's corner say it."""
    w, h = _grid(meta, size)
    k = sim_grid.lift_factor(graph, (w, h)) if graph is not None else 1
    return f"simulated at {w * k}×{h * k} and scaled down" if k > 1 else ""


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
        for text, s in entries(meta, current):
            box.addItem(text, s)
            i = box.count() - 1
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
