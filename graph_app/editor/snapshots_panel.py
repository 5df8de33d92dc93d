"""The Snapshots dock: capture (all parameters or the published ones), rename, delete and
recall named snapshots of the graph's values, stored in the file's ``snapshots`` block.

A recall is one undo step: now, or on the next beat or bar of the tempo bar's clock while
it plays, over the transition time when one is set.  The A/B morph slider and the
transitions blend with the runtime's ``nodes.snapshots.morph_values`` (the same blend
``Runtime.set_morph`` / ``Runtime.recall`` apply in a render and in the Scope plugin), as
edits of the document, so the preview follows; a drag is one undo step, and the
parameters that rebuild kernels (structural ones, which switch at the middle) are named
under it.
"""

from __future__ import annotations

import copy
import itertools
import time

from PySide6 import QtCore, QtGui, QtWidgets

from nodes.graph import Graph, Snapshot

from .document import Document
from .live_controls import ControllerCmd

_recalls = itertools.count(-1, -1)  # gesture ids no controller gesture uses
QUANTISE = ("now", "next beat", "next bar")


def capture(graph: Graph, name: str, published_only: bool = False) -> Snapshot:
    """Every parameter's value (in its saved form) of every known node, or only the
    published ones."""
    try:  # the runtime's own capture, where this build has it
        from nodes.snapshots import snapshot as runtime_snapshot
    except ImportError:
        runtime_snapshot = None
    if runtime_snapshot is not None:
        return runtime_snapshot(graph, name, published_only)
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


def _morph_fn():
    try:
        from nodes.snapshots import morph_values
    except ImportError:
        return None
    return morph_values


def structural_differences(graph: Graph, a: Snapshot, b: Snapshot) -> list[str]:
    """``node.param`` of the structural parameters whose values differ between a and b."""
    out = []
    for nid in sorted(set(a.values) & set(b.values)):
        nd = graph.nodes.get(nid)
        if nd is None or nd.spec is None:
            continue
        for p in nd.spec.params:
            if p.structural and a.values[nid].get(p.name, None) != b.values[nid].get(p.name, None):
                out.append(f"{nid}.{p.name}")
    return out


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
        self.transition = QtWidgets.QDoubleSpinBox()
        self.transition.setRange(0.0, 60.0)
        self.transition.setDecimals(1)
        self.transition.setSuffix(" s")
        self.transition.setToolTip("Recall transition time (blends through the morph)")
        self.quantise = QtWidgets.QComboBox()
        self.quantise.addItems(QUANTISE)
        self.quantise.setToolTip("Recall on the next beat or bar while the tempo runs")
        bar.addWidget(self.transition)
        bar.addWidget(self.quantise)
        bar.addStretch(1)
        self.list.setToolTip("Double-click: recall · F2: rename")
        lay.addLayout(bar)
        mor = QtWidgets.QHBoxLayout()
        self.morph_a, self.morph_b = QtWidgets.QComboBox(), QtWidgets.QComboBox()
        self.morph = QtWidgets.QSlider(QtCore.Qt.Horizontal)
        self.morph.setRange(0, 1000)
        self.morph.setToolTip("A/B morph: numbers blend, choices, toggles and structural "
                              "parameters switch at the middle")
        self.morph.valueChanged.connect(lambda v: self.set_morph(v / 1000.0))
        self.morph_a.activated.connect(lambda _i: self._morph_pair_changed())
        self.morph_b.activated.connect(lambda _i: self._morph_pair_changed())
        mor.addWidget(QtWidgets.QLabel("Morph A"))
        mor.addWidget(self.morph_a, 1)
        mor.addWidget(self.morph, 2)
        mor.addWidget(QtWidgets.QLabel("B"))
        mor.addWidget(self.morph_b, 1)
        self.morph_row = QtWidgets.QWidget()
        self.morph_row.setLayout(mor)
        mor.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.morph_row)
        self.structural = QtWidgets.QLabel("")
        self.structural.setObjectName("dim")
        self.structural.setWordWrap(True)
        self.structural.setVisible(False)
        lay.addWidget(self.structural)
        self._morph_fn = _morph_fn()
        #: clock() -> (beat position, beats per bar, playing); the tempo bar's (live.py)
        self.clock = None
        self._pending: tuple | None = None  # (name, when beat >= this)
        self._anim: tuple | None = None  # (start snapshot, target, t0, seconds, gesture)
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(15)
        self._timer.timeout.connect(self._tick)
        self._morph_gesture = None
        self._morph_last = -1e9
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
        names = [sn.name for sn in self.doc.graph.snapshots]
        for i, combo in enumerate((self.morph_a, self.morph_b)):
            keep = combo.currentText()
            combo.clear()
            combo.addItems(names)
            if keep in names:
                combo.setCurrentText(keep)
            elif len(names) > i:
                combo.setCurrentIndex(i)
        if self.morph_b.currentText() == self.morph_a.currentText() and len(names) >= 2:
            # B defaults to the newest snapshot that is not A
            self.morph_b.setCurrentText(next(n for n in reversed(names)
                                             if n != self.morph_a.currentText()))
        self.morph_row.setVisible(self._morph_fn is not None and len(names) >= 2)
        self._morph_pair_changed()

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

    # -- morph -------------------------------------------------------------------------------------
    def _pair(self):
        g = self.doc.graph
        a = next((s for s in g.snapshots if s.name == self.morph_a.currentText()), None)
        b = next((s for s in g.snapshots if s.name == self.morph_b.currentText()), None)
        return a, b

    def _morph_pair_changed(self) -> None:
        a, b = self._pair()
        self._morph_gesture = None
        if a is None or b is None or self._morph_fn is None:
            self.structural.setText("")
            self.structural.setVisible(False)
            return
        names = structural_differences(self.doc.graph, a, b)
        self.structural.setVisible(bool(names))
        self.structural.setText("Structural, switch at the middle (kernels rebuild): "
                                + ", ".join(names) if names else "")

    def set_morph(self, t: float) -> bool:
        """Blend A to B at ``t`` (0..1) into the graph; consecutive moves are one undo step."""
        a, b = self._pair()
        if self._morph_fn is None or a is None or b is None:
            return False
        t = min(1.0, max(0.0, float(t)))
        if abs(self.morph.value() - t * 1000) > 0.5:
            self.morph.blockSignals(True)
            self.morph.setValue(round(t * 1000))
            self.morph.blockSignals(False)
        now = time.monotonic()
        if self._morph_gesture is None or now - self._morph_last > 0.5:
            self._morph_gesture = next(_recalls)
        self._morph_last = now
        self._apply(self._morph_fn(self.doc.graph, a, b, t), self._morph_gesture,
                    f"morph '{a.name}' → '{b.name}'")
        return True

    def recall(self, name: str | None) -> bool:
        """Recall snapshot ``name``: on the next beat or bar when quantised and the clock
        runs, over the transition time when there is one (and the runtime's morph), else
        now; one undo step either way."""
        g = self.doc.graph
        if not any(s.name == name for s in g.snapshots):
            self.message.emit(f"No snapshot named {name!r}")
            return False
        q = self.quantise.currentText()
        if q != "now" and self.clock is not None:
            beat, bpb, playing = self.clock()
            if playing:
                unit = 1 if q == "next beat" else bpb
                self._pending = (name, (int(beat // unit) + 1) * unit)
                self._timer.start()
                self.message.emit(f"'{name}' on the {q.split()[-1]}…")
                return True
        return self._start(name)

    def _start(self, name: str) -> bool:
        secs = self.transition.value()
        if secs > 0 and self._morph_fn is not None:
            target = next(s for s in self.doc.graph.snapshots if s.name == name)
            start = capture(self.doc.graph, "(now)", target.published_only)
            self._anim = (start, target, time.monotonic(), secs, next(_recalls))
            self._timer.start()
            return True
        return self.recall_now(name)

    def _tick(self) -> None:
        if self._pending is not None and self.clock is not None:
            name, when = self._pending
            beat, _bpb, playing = self.clock()
            if beat >= when or not playing:
                self._pending = None
                self._start(name)
        if self._anim is not None:
            start, target, t0, secs, gesture = self._anim
            t = min(1.0, (time.monotonic() - t0) / secs)
            self._apply(self._morph_fn(self.doc.graph, start, target, t), gesture,
                        f"recall snapshot '{target.name}'")
            if t >= 1.0:
                self._anim = None
                self.message.emit(f"Recalled '{target.name}'")
        if self._pending is None and self._anim is None:
            self._timer.stop()

    def _apply(self, vals: dict, gesture: int, text: str) -> None:
        g = self.doc.graph
        flat = {}
        for nid, params in vals.items():
            if nid in g.nodes and g.nodes[nid].spec is not None:
                known = {p.name for p in g.nodes[nid].spec.params}
                for k, v in params.items():
                    if k in known and _saved(g, nid, k) != v:
                        flat[(nid, k)] = v
        if flat:
            cmd = ControllerCmd(self.doc, gesture, flat)
            cmd.setText(text)
            self.doc.undo.push(cmd)

    def recall_now(self, name: str | None) -> bool:
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
