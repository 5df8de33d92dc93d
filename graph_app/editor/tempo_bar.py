"""The tempo toolbar: BPM (an undoable edit saved in the file), tap, play/stop, a beat
indicator, and the tempo source (internal, Ableton Link via ``aalink``, MIDI clock via
``mido`` + ``python-rtmidi``; the optional extra ``live``).

An external source drives the bar's clock (what the beat indicator shows) without
editing the document: the graph keeps the bpm it was saved with until the user types
or taps a new one.
"""

from __future__ import annotations

import asyncio
import threading
import time

from PySide6 import QtCore, QtGui, QtWidgets

from nodes import controls as C
from nodes.graph import Tempo

from . import theme
from .document import Document
from .live_controls import missing

SOURCES = ("Internal", "Ableton Link", "MIDI clock")
_UNBOUNDED = (1 << 24) - 1  # Qt's QWIDGETSIZE_MAX (not exported by PySide6)


class TempoCmd(QtGui.QUndoCommand):
    ID = 1302

    def __init__(self, doc: Document, new: Tempo, merge: bool = False):
        super().__init__(f"tempo {new.bpm:g} bpm")
        self.doc, self.old, self.new, self.merge = doc, Tempo(**vars(doc.graph.tempo)), new, merge

    def id(self):  # noqa: A003 - Qt API
        return self.ID

    def mergeWith(self, other) -> bool:  # noqa: N802 - Qt API
        if self.merge and other.merge:
            self.new = other.new
            self.setText(f"tempo {self.new.bpm:g} bpm")
            return True
        return False

    def _apply(self, t: Tempo):
        self.doc.graph.tempo = Tempo(**vars(t))
        self.doc.graph._emit("tempo_changed", tempo=self.doc.graph.tempo)

    def redo(self):
        self._apply(self.new)

    def undo(self):
        self._apply(self.old)


class LinkSource:
    """Ableton Link on a thread of its own (aalink wants an asyncio loop)."""

    def __init__(self, bpm: float):
        self.link = None
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run():
            asyncio.set_event_loop(self.loop)

            async def make():
                import aalink

                self.link = aalink.Link(float(bpm))  # on this thread's running loop
                self.link.enabled = True
                ready.set()

            self.loop.create_task(make())
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, name="cagraph-link", daemon=True)
        self.thread.start()
        ready.wait(3)

    def state(self) -> tuple[float, float, bool] | None:
        if self.link is None:
            return None
        return float(self.link.tempo), float(self.link.beat), bool(self.link.playing)

    def close(self):
        if self.link is not None:
            self.link.enabled = False
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(2)


class TempoBar(QtWidgets.QToolBar):
    message = QtCore.Signal(str)
    #: the clock the bar shows: (bpm, beat position, playing), for views that follow it
    clock_changed = QtCore.Signal(float, float, bool)

    def __init__(self, doc: Document, parent=None, midi_clock_input=None):
        super().__init__("Tempo", parent)
        self.setObjectName("tempotb")
        self.doc = doc
        self.tap_tempo = C.TapTempo()
        self.midi_clock = C.MidiClock()
        self.link: LinkSource | None = None
        self.source = "Internal"
        self._t0 = time.monotonic()
        self._beat0 = 0.0
        self.playing = True

        self.addWidget(QtWidgets.QLabel(" Tempo "))
        self.bpm = QtWidgets.QDoubleSpinBox()
        self.bpm.setRange(20.0, 400.0)
        self.bpm.setDecimals(1)
        self.bpm.setSuffix(" bpm")
        self.bpm.setKeyboardTracking(False)
        self.bpm.setToolTip("The graph's tempo (saved in the file; undoable)")
        self.bpm.valueChanged.connect(lambda v: self.set_bpm(v, merge=True))
        self.addWidget(self.bpm)
        self.tap_action = self.addAction("Tap", self.tap)
        self.tap_action.setToolTip("Tap the beat (two taps or more set the tempo)")
        self.play_action = self.addAction("■ Stop", self.toggle_play)
        self.play_action.setToolTip("Start/stop the beat clock")
        self.beat_label = QtWidgets.QLabel("")
        self.beat_label.setMinimumWidth(90)
        self._beat_shape = None
        self.beat_label.setTextFormat(QtCore.Qt.RichText)
        self.addWidget(self.beat_label)
        self.source_combo = QtWidgets.QComboBox()
        self.source_combo.addItems(SOURCES)
        self.source_combo.setToolTip("Where the tempo comes from")
        self.source_combo.activated.connect(lambda i: self.set_source(SOURCES[i]))
        self.addWidget(self.source_combo)
        self.midi_clock_input = midi_clock_input  # a live_controls.MidiInput to feed

        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(30)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        doc.reset.connect(self.refresh)
        doc.model_event.connect(lambda e, _p: e == "tempo_changed" and self.refresh())
        self.refresh()

    # -- the document's tempo ----------------------------------------------------------------------
    def refresh(self) -> None:
        self.bpm.blockSignals(True)
        self.bpm.setValue(self.doc.graph.tempo.bpm)
        self.bpm.blockSignals(False)

    def set_bpm(self, bpm: float, merge: bool = False) -> None:
        bpm = round(min(400.0, max(20.0, float(bpm))), 2)
        t = self.doc.graph.tempo
        if abs(bpm - t.bpm) < 1e-9:
            return
        beat = self.beat()
        self.doc.undo.push(TempoCmd(self.doc, Tempo(bpm, t.beats_per_bar), merge))
        self._rebase(beat)

    def tap(self) -> None:
        bpm = self.tap_tempo.tap(time.monotonic())
        if bpm is None:
            self.message.emit("Tap again on the beat…")
            return
        self.set_bpm(bpm)
        self._rebase(0.0)  # the tap is the downbeat

    def toggle_play(self) -> None:
        beat = self.beat()
        self.playing = not self.playing
        self._rebase(beat if self.playing else beat)
        self.play_action.setText("■ Stop" if self.playing else "▶ Play")

    # -- the clock ---------------------------------------------------------------------------------
    def _rebase(self, beat: float) -> None:
        self._t0, self._beat0 = time.monotonic(), beat

    def current_bpm(self) -> float:
        if self.source == "Ableton Link" and self.link and self.link.state():
            return self.link.state()[0]
        if self.source == "MIDI clock" and self.midi_clock.bpm:
            return self.midi_clock.bpm
        return self.doc.graph.tempo.bpm

    def beat(self) -> float:
        if self.source == "Ableton Link" and self.link and self.link.state():
            return self.link.state()[1]
        if self.source == "MIDI clock":
            return self.midi_clock.beat
        if not self.playing:
            return self._beat0
        return self._beat0 + (time.monotonic() - self._t0) * self.doc.graph.tempo.bpm / 60.0

    def is_playing(self) -> bool:
        if self.source == "MIDI clock":
            return self.midi_clock.playing
        return self.playing

    def _tick(self) -> None:
        beat, bpb = self.beat(), self.doc.graph.tempo.beats_per_bar
        n = int(beat) % bpb
        dots = "".join(
            f"<span style='color:{theme.ACCENT if i == n and self.is_playing() else theme.TEXT_DIM}'>"
            f"{'●' if i == n else '○'}</span>" for i in range(bpb))
        ext = "" if self.source == "Internal" else f" {self.current_bpm():.1f}"
        text = f" {dots}{ext} "
        if text != self.beat_label.text():
            # a fixed size for each shape of the text (beats per bar, a bpm shown or not):
            # a beat's new dots then repaint the label without laying the window out again
            shape = (bpb, bool(ext))
            if shape != self._beat_shape:
                self._beat_shape = shape
                self.beat_label.setMinimumSize(0, 0)
                self.beat_label.setMaximumSize(_UNBOUNDED, _UNBOUNDED)
                self.beat_label.setText(" " + "●" * bpb + (" 999.9" if ext else "") + " ")
                hint = self.beat_label.sizeHint()
                self.beat_label.setFixedSize(max(90, hint.width()), hint.height())
            self.beat_label.setText(text)
        self.clock_changed.emit(self.current_bpm(), beat, self.is_playing())

    # -- sources -------------------------------------------------------------------------------------
    def set_source(self, name: str) -> str | None:
        """Choose a tempo source; a missing package is a status line and Internal stays."""
        err = None
        if name == "Ableton Link":
            err = missing("aalink")
        elif name == "MIDI clock":
            err = missing("mido") or missing("rtmidi")
            if not err and (self.midi_clock_input is None or not self.midi_clock_input.port):
                self.message.emit("MIDI clock: choose the MIDI input in the Controls panel")
        if err:
            self.message.emit(f"{name} {err}")
            self.source_combo.setCurrentText(self.source)
            return err
        if self.link is not None and name != "Ableton Link":
            self.link.close()
            self.link = None
        if name == "Ableton Link" and self.link is None:
            self.link = LinkSource(self.doc.graph.tempo.bpm)
        if self.source != name:
            self._rebase(self.beat())
        self.source = name
        self.source_combo.setCurrentText(name)
        self.message.emit(f"Tempo source: {name}")
        return None

    def close(self) -> None:
        self._timer.stop()
        if self.link is not None:
            self.link.close()
            self.link = None
