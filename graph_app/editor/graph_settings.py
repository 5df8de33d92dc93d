"""Graph Settings: the graph's name, description, size, fps and seed, as one undoable edit."""

from __future__ import annotations

import copy
import dataclasses

from PySide6 import QtCore, QtGui, QtWidgets

FIELDS = ("name", "description", "size", "fps", "seed")


class MetaCmd(QtGui.QUndoCommand):
    """Replace the graph's metadata (name, description, size, fps, seed) in one step."""

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
        grid = getattr(meta, "grid", None)
        if grid:  # a rectangular world: its grid is what runs, the size is not used
            self.size.setEnabled(False)
            self.size.setToolTip(f"This graph simulates a {grid[0]}x{grid[1]} grid "
                                 "(its file's grid), not size x size")
        lay.addRow("Size", self.size)
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

    def values(self) -> dict:
        return {"name": self.name.text().strip(), "description": self.description.toPlainText(),
                "size": self.size.value(), "fps": float(self.fps.value()),
                "seed": self._seed if self.seed.value() == min(self._seed, 2**31 - 1)
                else self.seed.value()}

    def _ok(self):
        v = self.values()
        if not v["name"]:
            self.error.setText("The name is empty")
            return
        if v["size"] % 16:
            self.error.setText(f"Size {v['size']}: must be a multiple of 16")
            return
        self.accept()


def edit_graph_settings(win) -> bool:
    """File → Graph Settings…: ask, then apply as one undo step."""
    dlg = GraphSettingsDialog(win.doc.graph.meta, win)
    if dlg.exec() != QtWidgets.QDialog.Accepted:
        return False
    changed = set_meta(win.doc, **dlg.values())
    if changed:
        win.status("Graph settings changed (Edit → Undo takes them back)")
    return changed


def install(win, menu) -> QtGui.QAction:
    """The menu entry, and the preview following a size/seed/fps change."""
    a = win._act(menu, "Graph Settings…", lambda: edit_graph_settings(win),
                 tip="The graph's name, description, size, frame rate and seed")
    win.doc.model_event.connect(
        lambda e, _p: e == "meta_changed" and win.worker.set_graph(win.doc.graph))
    return a
