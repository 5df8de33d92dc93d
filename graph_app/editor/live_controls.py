"""Controllers in the editor: MIDI in (mido), OSC in (python-osc), learn, the Controls panel.

Messages arrive on library threads and are queued; a timer on the UI thread drains the
queue in batches, keeps only the latest value per target (a knob spun for seconds or a
1000 msg/s OSC flood collapses to a few edits a frame) and applies them through the
document, so a controller move goes where a slider move goes: the model, the preview,
a linked Scope session.  A gesture (moves less than ``GESTURE_S`` apart) is one undo
step, whatever targets it moved.  The mapping itself is Qt-free: ``nodes/controls.py``.
"""

from __future__ import annotations

import collections
import copy
import threading
import time

from PySide6 import QtCore, QtGui, QtWidgets

from nodes import controls as C
from nodes.graph import Control

from .document import Document

GESTURE_S = 0.5  # moves closer than this are one undo step
DRAIN_MS = 15
MAX_QUEUE = 100_000  # beyond this the oldest messages go (only the latest value matters)
INSTALL = "pip install 'cagraph[live]'"


def missing(module: str) -> str | None:
    """None when ``module`` imports, else the line that says what to install."""
    try:
        __import__(module)
    except Exception:  # noqa: BLE001 - a broken optional install reads as missing
        pkg = {"mido": "mido and python-rtmidi", "rtmidi": "python-rtmidi",
               "pythonosc": "python-osc", "aalink": "aalink"}.get(module, module)
        return f"needs {pkg}: {INSTALL}"
    return None


# -- undo commands ----------------------------------------------------------------------------

class ControllerCmd(QtGui.QUndoCommand):
    """Parameter values set by controllers; merges with the next one of its gesture."""

    ID = 1301

    def __init__(self, doc: Document, gesture: int, values: dict):
        super().__init__("controller")
        self.doc, self.gesture = doc, gesture
        g = doc.graph
        self.new = dict(values)
        self.old = {k: (g.param_value(*k), k[1] in g.nodes[k[0]].params) for k in values}
        self._text()

    def _text(self):
        keys = sorted(f"{n}.{p}" for n, p in self.new)
        self.setText("controller " + (keys[0] if len(keys) == 1 else f"({len(keys)} params)"))

    def id(self):  # noqa: A003 - Qt API
        return self.ID

    def mergeWith(self, other) -> bool:  # noqa: N802 - Qt API
        if other.gesture != self.gesture:
            return False
        for k, v in other.new.items():
            self.old.setdefault(k, other.old[k])
            self.new[k] = v
        self._text()
        return True

    def redo(self):
        g = self.doc.graph
        for (nid, name), v in self.new.items():
            if nid in g.nodes:
                g.set_param(nid, name, v)

    def undo(self):
        g = self.doc.graph
        for (nid, name), (v, had) in self.old.items():
            if nid not in g.nodes:
                continue
            if had:
                g.set_param(nid, name, v)
            else:
                g.nodes[nid].params.pop(name, None)
                g._emit("param_changed", node_id=nid, name=name, value=g.param_value(nid, name),
                        old=self.new.get((nid, name)))


class ControlsCmd(QtGui.QUndoCommand):
    def __init__(self, doc: Document, new: list[Control], text: str):
        super().__init__(text)
        self.doc, self.old, self.new = doc, copy.deepcopy(doc.graph.controls), new

    def _apply(self, v):
        self.doc.graph.controls = copy.deepcopy(v)
        self.doc.graph._emit("controls_changed")

    def redo(self):
        self._apply(self.new)

    def undo(self):
        self._apply(self.old)


# -- inputs on library threads --------------------------------------------------------------------

class MidiInput:
    """A mido input port whose callback feeds ``post`` (and the MIDI clock)."""

    def __init__(self, post, clock_feed=None):
        self.post, self.clock_feed = post, clock_feed
        self.port = None
        self.name = ""

    @staticmethod
    def names() -> list[str]:
        if missing("mido") or missing("rtmidi"):
            return []
        import mido

        try:
            return list(mido.get_input_names())
        except Exception:  # noqa: BLE001 - no MIDI system (no ALSA sequencer, ...)
            return []

    def handle(self, msg) -> None:
        """The port callback (also what tests call with ``mido.Message`` objects)."""
        t = getattr(msg, "type", "")
        if t in ("clock", "start", "stop", "continue"):
            if self.clock_feed is not None:
                self.clock_feed(t, time.monotonic())
            return
        ev = C.midi_event(msg)
        if ev is not None:
            self.post(ev)

    def open(self, name: str) -> str | None:
        """Open port ``name``; returns an error line or None."""
        self.close()
        err = missing("mido") or missing("rtmidi")
        if err:
            return f"MIDI input {err}"
        import mido

        try:
            self.port = mido.open_input(name, callback=self.handle)
        except Exception as exc:  # noqa: BLE001 - the port vanished, no MIDI system
            return f"MIDI input '{name}' could not be opened: {exc}"
        self.name = name
        return None

    def close(self) -> None:
        if self.port is not None:
            try:
                self.port.close()
            except Exception:  # noqa: BLE001
                pass
        self.port, self.name = None, ""


class OscInput:
    """A python-osc UDP server on its own thread; every message goes to ``post``."""

    def __init__(self, post):
        self.post = post
        self.server = None
        self.thread: threading.Thread | None = None
        self.port = 0

    def _handler(self, address, *args):
        self.post(C.osc_event(address, *args))

    def start(self, port: int, host: str = "0.0.0.0") -> str | None:
        self.stop()
        if not port:
            return None
        err = missing("pythonosc")
        if err:
            return f"OSC input {err}"
        from pythonosc import dispatcher, osc_server

        d = dispatcher.Dispatcher()
        d.set_default_handler(self._handler)
        try:
            self.server = osc_server.BlockingOSCUDPServer((host, int(port)), d)
        except OSError as exc:
            return f"OSC port {port}: {exc.strerror or exc}"
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, name="cagraph-osc",
                                       kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()
        return None

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.thread is not None:
            self.thread.join(2)
        self.server, self.thread, self.port = None, None, 0


# -- the hub -----------------------------------------------------------------------------------

class ControllerHub(QtCore.QObject):
    """Queues controller events from any thread and applies them on the UI thread."""

    message = QtCore.Signal(str)
    learning = QtCore.Signal(str)  # what is being learnt ("" when done)
    restart_requested = QtCore.Signal()
    snapshot_requested = QtCore.Signal(str)
    morph_requested = QtCore.Signal(float)
    applied = QtCore.Signal(int)  # how many edits a drain made

    def __init__(self, doc: Document, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.queue: collections.deque = collections.deque(maxlen=MAX_QUEUE)
        self.reporter = C.Reporter(sink=self.message.emit)
        self.learner = C.Learner()
        self.midi = MidiInput(self.post)
        self.osc = OscInput(self.post)
        self._gesture = 0
        self._last_move = -1e9
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(DRAIN_MS)
        self._timer.timeout.connect(self.drain)
        self._timer.start()
        self.events_seen = 0
        doc.reset.connect(self._on_reset)

    def _on_reset(self):
        self.queue.clear()
        self.learner.cancel()
        self.reporter = C.Reporter(sink=self.message.emit)
        self._last_move = -1e9

    def post(self, ev: C.Event) -> None:
        """Thread-safe: queue one event (deque appends are atomic)."""
        self.queue.append(ev)

    # -- learn ----------------------------------------------------------------------------------
    def learn(self, target: C.LearnTarget) -> None:
        self.learner.start(target)
        what = (f"{target.node}.{target.param}" if target.action == "param"
                else f"recall '{target.snapshot}'" if target.action == "snapshot"
                else target.action)
        kinds = "a MIDI knob or key" if "osc" not in target.sources else "an OSC control"
        if "osc" not in target.sources and not self.midi.port:
            self.message.emit("MIDI learn: no MIDI input is open (Controls panel → MIDI input)")
        elif target.sources == ("osc",) and not self.osc.port:
            self.message.emit("OSC learn: OSC input is off (Controls panel → OSC port)")
        self.learning.emit(f"Learning {what}: move {kinds}… (Esc in the Controls panel cancels)")

    def cancel_learn(self) -> None:
        self.learner.cancel()
        self.learning.emit("")

    def bind(self, c: Control) -> None:
        new = C.replace_binding(self.doc.graph.controls, c)
        src, tgt = C.describe(c)
        self.doc.undo.push(ControlsCmd(self.doc, new, f"map {src} → {tgt}"))
        self.message.emit(f"Mapped {src} → {tgt}")

    def remove(self, index: int) -> None:
        ctrls = copy.deepcopy(self.doc.graph.controls)
        if 0 <= index < len(ctrls):
            src, _ = C.describe(ctrls.pop(index))
            self.doc.undo.push(ControlsCmd(self.doc, ctrls, f"remove mapping {src}"))

    # -- the drain ----------------------------------------------------------------------------------
    def drain(self) -> int:
        """Apply what has arrived; returns how many parameter edits it made."""
        if not self.queue:
            return 0
        g = self.doc.graph
        events = []
        while self.queue:
            try:
                events.append(self.queue.popleft())
            except IndexError:
                break
        self.events_seen += len(events)
        actions: list[C.Action] = []
        for ev in events:
            if self.learner.active:
                c = self.learner.offer(ev)
                if c is not None:
                    self.bind(c)
                    self.learning.emit("")
                continue
            actions += C.route(g, ev, self.reporter, current=g.param_value)
        values = {}
        for a in C.latest(actions):
            if a.kind == "param":
                values[(a.node, a.param)] = a.value
            elif a.kind == "restart":
                self.restart_requested.emit()
            elif a.kind == "snapshot":
                self.snapshot_requested.emit(a.snapshot or "")
            elif a.kind == "morph":
                self.morph_requested.emit(float(a.value))
        values = {k: v for k, v in values.items() if g.param_value(*k) != v}
        if values:
            now = time.monotonic()
            if now - self._last_move > GESTURE_S:
                self._gesture += 1
            self._last_move = now
            self.doc.undo.push(ControllerCmd(self.doc, self._gesture, values))
        self.applied.emit(len(values))
        return len(values)

    def close(self) -> None:
        self._timer.stop()
        self.midi.close()
        self.osc.stop()


# -- the Controls panel --------------------------------------------------------------------------------

class _PortCombo(QtWidgets.QComboBox):
    """Lists the MIDI inputs when opened (asking the MIDI system at start-up would make
    a machine without one print its complaint on every launch)."""

    about_to_open = QtCore.Signal()

    def showPopup(self):  # noqa: N802 - Qt API
        self.about_to_open.emit()
        super().showPopup()


class ControlsPanel(QtWidgets.QWidget):
    """MIDI input and OSC port choice, the learn line, and the mappings (delete)."""

    COLS = ("Source", "Target")

    def __init__(self, doc: Document, hub: ControllerHub, parent=None):
        super().__init__(parent)
        self.doc, self.hub = doc, hub
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        form = QtWidgets.QHBoxLayout()
        form.addWidget(QtWidgets.QLabel("MIDI in"))
        self.midi_combo = _PortCombo()
        self.midi_combo.about_to_open.connect(self.refresh_ports)
        self.midi_combo.setMinimumWidth(140)
        self.midi_combo.activated.connect(self._midi_chosen)
        form.addWidget(self.midi_combo, 1)
        self.rescan = QtWidgets.QPushButton("Rescan")
        self.rescan.setToolTip("List the MIDI inputs again")
        self.rescan.clicked.connect(self.refresh_ports)
        form.addWidget(self.rescan)
        form.addWidget(QtWidgets.QLabel("OSC port"))
        self.osc_port = QtWidgets.QSpinBox()
        self.osc_port.setRange(0, 65535)
        self.osc_port.setSpecialValueText("off")
        self.osc_port.setToolTip("UDP port for OSC in: /cagraph/<published name> value, "
                                 "plus learned addresses (0..1)")
        self.osc_port.editingFinished.connect(lambda: self.set_osc_port(self.osc_port.value()))
        form.addWidget(self.osc_port)
        lay.addLayout(form)
        self.learn_label = QtWidgets.QLabel("")
        self.learn_label.setObjectName("dim")
        self.learn_label.setWordWrap(True)
        self.learn_label.setVisible(False)
        lay.addWidget(self.learn_label)
        self.table = QtWidgets.QTableWidget(0, len(self.COLS))
        self.table.setHorizontalHeaderLabels(self.COLS)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.NoEditTriggers)
        lay.addWidget(self.table)
        bar = QtWidgets.QHBoxLayout()
        self.delete = QtWidgets.QPushButton("Delete")
        self.delete.clicked.connect(self.delete_current)
        self.cancel = QtWidgets.QPushButton("Cancel learn")
        self.cancel.clicked.connect(hub.cancel_learn)
        self.cancel.setVisible(False)
        hint = QtWidgets.QLabel("Right-click a slider → MIDI Learn / OSC Learn")
        hint.setObjectName("dim")
        bar.addWidget(self.delete)
        bar.addWidget(self.cancel)
        bar.addStretch(1)
        bar.addWidget(hint)
        lay.addLayout(bar)
        hub.learning.connect(self._learning)
        doc.model_event.connect(lambda e, _p: e in ("controls_changed", "node_removed")
                                and self.refresh())
        doc.reset.connect(self.refresh)
        self.refresh_ports(scan=False)
        self.refresh()

    def refresh_ports(self, scan: bool = True) -> None:
        self.midi_combo.blockSignals(True)
        self.midi_combo.clear()
        self.midi_combo.blockSignals(False)
        err = missing("mido") or missing("rtmidi")
        if err:
            self.midi_combo.addItem(f"MIDI {err}")
            self.midi_combo.setEnabled(False)
            return
        self.midi_combo.setEnabled(True)
        self.midi_combo.addItem("off")
        for n in MidiInput.names() if scan else []:
            self.midi_combo.addItem(n)
        if self.hub.midi.name:
            self.midi_combo.setCurrentText(self.hub.midi.name)

    def _midi_chosen(self, i: int) -> None:
        name = self.midi_combo.itemText(i)
        if i == 0:
            self.hub.midi.close()
            return
        err = self.hub.midi.open(name)
        self.hub.message.emit(err or f"MIDI input: {name}")

    def set_osc_port(self, port: int) -> str | None:
        if port == self.hub.osc.port:
            return None
        err = self.hub.osc.start(port)
        if err:
            self.osc_port.setValue(0)
        else:
            self.osc_port.setValue(self.hub.osc.port)
        self.hub.message.emit(err or (f"OSC in on UDP port {self.hub.osc.port}: "
                                      f"{C.OSC_PREFIX}<published name>" if port else "OSC in off"))
        return err

    def _learning(self, text: str) -> None:
        self.learn_label.setText(text)
        self.learn_label.setVisible(bool(text))
        self.cancel.setVisible(bool(text))

    def keyPressEvent(self, ev):  # noqa: N802 - Qt API
        if ev.key() == QtCore.Qt.Key_Escape and self.hub.learner.active:
            self.hub.cancel_learn()
        else:
            super().keyPressEvent(ev)

    def refresh(self) -> None:
        ctrls = self.doc.graph.controls
        self.table.setRowCount(len(ctrls))
        for r, c in enumerate(ctrls):
            src, tgt = C.describe(c)
            gone = c.action == "param" and C.target_param(self.doc.graph, c.node, c.param) is None
            for col, v in enumerate((src, tgt + (" (missing)" if gone else ""))):
                self.table.setItem(r, col, QtWidgets.QTableWidgetItem(v))
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        self.delete.setEnabled(bool(ctrls))

    def delete_current(self) -> None:
        r = self.table.currentRow()
        if r < 0 and self.table.rowCount() == 1:
            r = 0
        self.hub.remove(r)


# -- context-menu entries (params panel rows, published rows) ---------------------------------------

def add_learn_actions(menu: QtWidgets.QMenu, hub: ControllerHub, nid: str, param: str) -> None:
    """*MIDI Learn* and *OSC Learn* for ``nid.param`` (a number, toggle or choice)."""
    p = C.target_param(hub.doc.graph, nid, param)
    if not C.mappable(p):
        return
    menu.addSeparator()
    menu.addAction("MIDI Learn", lambda: hub.learn(
        C.LearnTarget("param", nid, param, sources=("midi_cc", "midi_note"))))
    menu.addAction("OSC Learn", lambda: hub.learn(
        C.LearnTarget("param", nid, param, sources=("osc",))))
    mapped = [i for i, c in enumerate(hub.doc.graph.controls)
              if c.action == "param" and (c.node, c.param) == (nid, param)]
    if mapped:
        menu.addAction("Remove controller mapping", lambda: [
            hub.remove(i) for i in reversed(mapped)])


def install_published_menu(table: QtWidgets.QTableWidget, hub: ControllerHub) -> None:
    """Right-click on a published row: learn for its parameter (no edit of panels.py)."""
    table.setContextMenuPolicy(QtCore.Qt.CustomContextMenu)

    def menu(pos):
        r = table.rowAt(pos.y())
        pubs = hub.doc.graph.published
        if not 0 <= r < len(pubs):
            return
        m = QtWidgets.QMenu(table)
        add_learn_actions(m, hub, pubs[r].node, pubs[r].param)
        if not m.isEmpty():
            m.exec(table.viewport().mapToGlobal(pos))

    table.customContextMenuRequested.connect(menu)
