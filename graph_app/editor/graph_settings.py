"""Graph Settings: the graph's name, description, size or rectangular grid, fps and seed,
as one undoable edit."""

from __future__ import annotations

import copy
import dataclasses

from PySide6 import QtCore, QtGui, QtWidgets

FIELDS = ("name", "description", "size", "grid", "fps", "seed")
#: what the grid box offers a square graph to start from: Krea Realtime's frame
DEFAULT_GRID = (576, 320)


class MetaCmd(QtGui.QUndoCommand):
    """Replace the graph's metadata (name, description, size, grid, fps, seed) in one step."""

    def __init__(self, doc, old, new):
        super().__init__("graph settings")
        self.doc, self.old, self.new = doc, copy.deepcopy(old), copy.deepcopy(new)

    def _apply(self, meta):
        g = self.doc.graph
        g.meta = copy.deepcopy(meta)
        g._emit("meta_changed", meta=g.meta)

    def redo(self):
        self._apply(self.new)

    def undo(self):
        self._apply(self.old)


def set_meta(doc, **changes) -> bool:
    """Push one undo step changing the given metadata fields; False when nothing changes."""
    old = doc.graph.meta
    new = dataclasses.replace(old, **{k: v for k, v in changes.items() if k in FIELDS})
    if new == old:
        return False
    doc.undo.push(MetaCmd(doc, old, new))
    return True


class GraphSettingsDialog(QtWidgets.QDialog):
    def __init__(self, meta, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Graph Settings")
        self.setMinimumWidth(460)
        lay = QtWidgets.QFormLayout(self)
        self.name = QtWidgets.QLineEdit(meta.name)
        self.name.setToolTip("The graph's name: the exported Scope pipeline is named after it")
        lay.addRow("Name", self.name)
        self.description = QtWidgets.QPlainTextEdit(meta.description)
        self.description.setFixedHeight(70)
        lay.addRow("Description", self.description)
        self.size = QtWidgets.QSpinBox()
        self.size.setRange(16, 8192)
        self.size.setSingleStep(16)
        self.size.setSuffix(" px")
        self.size.setValue(int(meta.size))
        self.size.setToolTip("Simulation grid (a multiple of 16): what render and export run")
        lay.addRow("Size", self.size)
        grid = getattr(meta, "grid", None)
        self.grid_mode = QtWidgets.QComboBox()
        self.grid_mode.addItem("Square (size × size)", "square")
        self.grid_mode.addItem("Rectangular (W × H)", "rect")
        self.grid_mode.setToolTip("The simulation grid: square follows the size; a "
                                  "rectangular one (e.g. Krea's 576 × 320) shapes the "
                                  "organism to the frame")
        self.grid_w, self.grid_h = QtWidgets.QSpinBox(), QtWidgets.QSpinBox()
        for box, v in zip((self.grid_w, self.grid_h), grid or DEFAULT_GRID):
            box.setRange(16, 8192)
            box.setSingleStep(16)
            box.setSuffix(" px")
            box.setValue(int(v))
        self.grid_w.setToolTip("Grid width (a multiple of 16)")
        self.grid_h.setToolTip("Grid height (a multiple of 16)")
        row = QtWidgets.QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.grid_mode, 1)
        row.addWidget(self.grid_w)
        row.addWidget(QtWidgets.QLabel("×"))
        row.addWidget(self.grid_h)
        lay.addRow("Grid", row)
        self.grid_mode.currentIndexChanged.connect(self._grid_mode_changed)
        self.grid_mode.setCurrentIndex(1 if grid else 0)
        self._grid_mode_changed()
        self.fps = QtWidgets.QDoubleSpinBox()
        self.fps.setRange(1.0, 240.0)
        self.fps.setDecimals(2)
        self.fps.setValue(float(meta.fps))
        lay.addRow("Frame rate", self.fps)
        self.seed = QtWidgets.QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self._seed = int(meta.seed)  # a seed above the box's range stays as it was
        self.seed.setValue(min(self._seed, 2**31 - 1))
        lay.addRow("Seed", self.seed)
        self.error = QtWidgets.QLabel("")
        self.error.setObjectName("error")
        from . import theme

        self.error.setStyleSheet(f"color: {theme.ERROR}")
        lay.addRow(self.error)
        self.buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.Ok |
                                                  QtWidgets.QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        lay.addRow(self.buttons)

    @property
    def rectangular(self) -> bool:
        return self.grid_mode.currentData() == "rect"

    def _grid_mode_changed(self, *_):
        rect = self.rectangular
        self.grid_w.setEnabled(rect)
        self.grid_h.setEnabled(rect)
        # a rectangular world: its grid is what runs, the size is not used
        self.size.setEnabled(not rect)
        self.size.setToolTip("Not used: the graph simulates its rectangular grid" if rect else
                             "Simulation grid (a multiple of 16): what render and export run")

    def grid(self) -> list[int] | None:
        """The grid chosen: [width, height], or None for a square one (W = H is square)."""
        if not self.rectangular:
            return None
        w, h = self.grid_w.value(), self.grid_h.value()
        return None if w == h else [w, h]

    def values(self) -> dict:
        grid = self.grid()
        size = self.size.value()
        if self.rectangular and grid is None:  # W x W: a square graph of that size
            size = self.grid_w.value()
        return {"name": self.name.text().strip(), "description": self.description.toPlainText(),
                "size": size, "grid": grid, "fps": float(self.fps.value()),
                "seed": self._seed if self.seed.value() == min(self._seed, 2**31 - 1)
                else self.seed.value()}

    def _ok(self):
        v = self.values()
        if not v["name"]:
            self.error.setText("The name is empty")
            return
        if self.rectangular:
            w, h = self.grid_w.value(), self.grid_h.value()
            if w % 16 or h % 16:
                self.error.setText(f"Grid {w} × {h}: width and height must be multiples of 16")
                return
        elif v["size"] % 16:
            self.error.setText(f"Size {v['size']}: must be a multiple of 16")
            return
        self.accept()


def edit_graph_settings(win) -> bool:
    """File → Graph Settings…: ask, then apply as one undo step."""
    dlg = GraphSettingsDialog(win.doc.graph.meta, win)
    if dlg.exec() != QtWidgets.QDialog.Accepted:
        return False
    old = win.doc.graph.meta
    changed = set_meta(win.doc, **dlg.values())
    if changed:
        new = win.doc.graph.meta
        why = []
        if new.seed != old.seed:
            why.append(f"the preview restarted the organism from seed {new.seed}")
        if (new.grid or None) != (old.grid or None):
            from . import preview_sizes

            g = new.grid
            size = win.preview.size_choice
            runs = preview_sizes.label(new, size)
            note = preview_sizes.lifted_note(new, size, win.doc.graph)
            runs += f" ({note})" if note else ""
            why.append(f"the graph's grid is {g[0]}×{g[1]}; the preview runs it as {runs}" if g
                       else f"the graph is square; the preview runs {runs}")
        win.status("Graph settings changed" + (f": {'; '.join(why)}" if why else "")
                   + " (Edit → Undo takes them back)", 10000)
    return changed


def install(win, menu) -> QtGui.QAction:
    """The menu entry, and the preview following a size/seed/fps change."""
    a = win._act(menu, "Graph Settings…", lambda: edit_graph_settings(win),
                 tip="The graph's name, description, size or grid, frame rate and seed")
    win.doc.model_event.connect(
        lambda e, _p: e == "meta_changed" and win.worker.set_graph(win.doc.graph))
    return a
