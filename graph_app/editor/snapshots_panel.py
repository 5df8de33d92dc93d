"""The Snapshots dock: capture (all parameters or the published ones), rename, delete and
recall named snapshots of the graph's values, stored in the file's ``snapshots`` block.

Recall here is immediate and one undo step.  Timed, beat-quantised recall and the A/B
morph need the runtime's snapshot API (``nodes/snapshots.py``), which this panel does
not have yet.
"""

from __future__ import annotations

import copy
import itertools

from PySide6 import QtCore, QtGui, QtWidgets

from nodes.graph import Graph, Snapshot

from .document import Document
from .live_controls import ControllerCmd

_recalls = itertools.count(-1, -1)  # gesture ids no controller gesture uses


def capture(graph: Graph, name: str, published_only: bool = False) -> Snapshot:
    """Every parameter's value (in its saved form) of every known node, or only the
    published ones."""
    try:  # the runtime's own capture, where this build has it
        from nodes import snapshots

        return snapshots.capture(graph, name, published_only=published_only)
    except ImportError:
        pass
    values: dict[str, dict] = {}
    if published_only:
        for p in graph.published:
            if p.node in graph.nodes and _saved(graph, p.node, p.param) is not None:
                values.setdefault(p.node, {})[p.param] = _saved(graph, p.node, p.param)
    else:
        for nid, nd in graph.nodes.items():
            if nd.spec is not None:
                values[nid] = {p.name: _saved(graph, nid, p.name) for p in nd.spec.params}
    return Snapshot(name, values, published_only)


def _saved(graph: Graph, nid: str, name: str):
    """A parameter's value in its saved (JSON) form; a default is stored as a tuple."""
    spec = graph.nodes[nid].spec
    try:
        p = spec.param(name)
    except (AttributeError, KeyError):
        return None
    return copy.deepcopy(p.to_json(graph.param_value(nid, name)))


class SnapshotsCmd(QtGui.QUndoCommand):
    def __init__(self, doc: Document, new: list[Snapshot], text: str):
        super().__init__(text)
        self.doc, self.old, self.new = doc, copy.deepcopy(doc.graph.snapshots), new

    def _apply(self, v):
        self.doc.graph.snapshots = copy.deepcopy(v)
        self.doc.graph._emit("snapshots_changed")

    def redo(self):
        self._apply(self.new)

    def undo(self):
        self._apply(self.old)


class SnapshotsPanel(QtWidgets.QWidget):
    message = QtCore.Signal(str)

    def __init__(self, doc: Document, parent=None):
        super().__init__(parent)
        self.doc = doc
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.list = QtWidgets.QListWidget()
        self.list.itemChanged.connect(self._renamed)
        self.list.itemDoubleClicked.connect(lambda it: self.recall(it.text()))
        lay.addWidget(self.list)
        bar = QtWidgets.QHBoxLayout()
        self.capture_all = QtWidgets.QPushButton("Capture")
        self.capture_all.setToolTip("Capture every parameter of the graph")
        self.capture_all.clicked.connect(lambda: self.capture(False))
        self.capture_pub = QtWidgets.QPushButton("Capture published")
        self.capture_pub.clicked.connect(lambda: self.capture(True))
        self.recall_button = QtWidgets.QPushButton("Recall")
        self.recall_button.clicked.connect(lambda: self.recall(self._current()))
        self.delete = QtWidgets.QPushButton("Delete")
        self.delete.clicked.connect(self.delete_current)
        for b in (self.capture_all, self.capture_pub, self.recall_button, self.delete):
            bar.addWidget(b)
        bar.addStretch(1)
        hint = QtWidgets.QLabel("Double-click: recall · F2: rename")
        hint.setObjectName("dim")
        bar.addWidget(hint)
        lay.addLayout(bar)
        doc.model_event.connect(lambda e, _p: e == "snapshots_changed" and self.refresh())
        doc.reset.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for sn in self.doc.graph.snapshots:
            it = QtWidgets.QListWidgetItem(sn.name)
            it.setFlags(it.flags() | QtCore.Qt.ItemIsEditable)
            it.setToolTip("published parameters" if sn.published_only else "every parameter")
            self.list.addItem(it)
        self.list.blockSignals(False)
        has = bool(self.doc.graph.snapshots)
        self.recall_button.setEnabled(has)
        self.delete.setEnabled(has)

    def _current(self) -> str | None:
        it = self.list.currentItem()
        return it.text() if it is not None else None

    def _free_name(self, base: str) -> str:
        names = {s.name for s in self.doc.graph.snapshots}
        i = len(names) + 1
        while f"{base} {i}" in names:
            i += 1
        return f"{base} {i}"

    def capture(self, published_only: bool, name: str | None = None) -> Snapshot:
        name = name or self._free_name("look")
        sn = capture(self.doc.graph, name, published_only)
        new = [s for s in copy.deepcopy(self.doc.graph.snapshots) if s.name != name] + [sn]
        self.doc.undo.push(SnapshotsCmd(self.doc, new, f"capture snapshot '{name}'"))
        self.list.setCurrentRow(len(new) - 1)
        self.message.emit(f"Captured '{name}' ({'published' if published_only else 'all'} "
                          "parameters)")
        return sn

    def _renamed(self, item) -> None:
        r = self.list.row(item)
        snaps = copy.deepcopy(self.doc.graph.snapshots)
        new, old = item.text().strip(), snaps[r].name
        if new == old:
            return
        if not new or any(s.name == new for s in snaps):
            self.message.emit(f"Snapshot name {new!r} is empty or used already")
            QtCore.QTimer.singleShot(0, self.refresh)
            return
        snaps[r].name = new
        # controls recalling it follow the new name in the same undo step
        self.doc.undo.beginMacro(f"rename snapshot '{old}' to '{new}'")
        self.doc.undo.push(SnapshotsCmd(self.doc, snaps, "rename"))
        ctrls = copy.deepcopy(self.doc.graph.controls)
        if any(c.snapshot == old for c in ctrls):
            from .live_controls import ControlsCmd

            for c in ctrls:
                if c.snapshot == old:
                    c.snapshot = new
            self.doc.undo.push(ControlsCmd(self.doc, ctrls, "rename"))
        self.doc.undo.endMacro()

    def delete_current(self) -> None:
        name = self._current()
        if name is None:
            return
        new = [s for s in copy.deepcopy(self.doc.graph.snapshots) if s.name != name]
        self.doc.undo.push(SnapshotsCmd(self.doc, new, f"delete snapshot '{name}'"))

    def recall(self, name: str | None) -> bool:
        """Set the graph's values to snapshot ``name`` now (one undo step)."""
        g = self.doc.graph
        sn = next((s for s in g.snapshots if s.name == name), None)
        if sn is None:
            self.message.emit(f"No snapshot named {name!r}")
            return False
        values, gone = {}, 0
        for nid, params in sn.values.items():
            nd = g.nodes.get(nid)
            if nd is None or nd.spec is None:
                gone += 1
                continue
            known = {p.name for p in nd.spec.params}
            for k, v in params.items():
                if k in known and _saved(g, nid, k) != v:
                    values[(nid, k)] = v
        if values:
            cmd = ControllerCmd(self.doc, next(_recalls), values)
            cmd.setText(f"recall snapshot '{name}'")
            self.doc.undo.push(cmd)
        self.message.emit(f"Recalled '{name}'" + (f" ({gone} of its nodes are gone)" if gone
                                                   else ""))
        return True
