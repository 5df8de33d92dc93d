"""The tempo bar reaches the preview's runtime: the BPM (typed, tapped, undone) sets the
runtime clock's tempo; the bar's clock (play/stop, an external source) drives its beat."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_app.editor import live

GRAPH = Path(__file__).resolve().parents[2] / "graphs" / "beat_pulse.graph"


@pytest.fixture
def win(make_window, monkeypatch):
    monkeypatch.setenv("CAGRAPH_KERNELS", "reference")
    w = make_window(str(GRAPH), size=32)
    yield w
    live.close(w)


def _frame(win):
    """One preview frame on this thread (the worker's loop body; its thread is not
    started in these tests)."""
    wk = win.worker
    wk._steps += 1
    wk._iterate()
    return wk._rt


def test_bpm_and_undo_reach_the_preview_runtime(win, qtbot):
    rt = _frame(win)
    assert rt.clock.bpm == 120.0
    win.tempo_bar._timer.stop()  # the bar's own ticks would also sync the clock
    win.tempo_bar.bpm.setValue(96.0)  # as typed
    _frame(win)
    assert rt.clock.bpm == 96.0
    win.doc.undo.undo()
    _frame(win)
    assert rt.clock.bpm == 120.0


def test_the_bars_clock_drives_the_preview_beat(win, qtbot):
    bar = win.tempo_bar
    bar._timer.stop()
    rt = _frame(win)
    bar._rebase(6.25)  # e.g. a tap's downbeat, or a Link session's beat
    bar._tick()
    _frame(win)
    assert rt.clock.beat == pytest.approx(6.25, abs=0.05)  # the wall time since the tick
    assert rt.value("beat", "phase") == pytest.approx(rt.clock.beat % 1.0)
    bar.toggle_play()  # stop: the preview's beat holds
    bar._tick()
    _frame(win)
    held = rt.clock.beat
    _frame(win)
    _frame(win)
    assert rt.clock.beat == held and not rt.clock.playing
    bar.toggle_play()
    bar._tick()
    _frame(win)
    assert rt.clock.playing


def test_an_external_source_tempo_reaches_the_preview(win, qtbot):
    mido = pytest.importorskip("mido")
    bar = win.tempo_bar
    bar._timer.stop()
    rt = _frame(win)
    assert bar.set_source("MIDI clock") is None
    hub = win.controllers
    hub.midi.handle(mido.Message("start"))
    for _ in range(24 * 3 + 12):  # three and a half beats
        hub.midi.handle(mido.Message("clock"))
    bar._tick()
    _frame(win)
    assert rt.clock.beat == pytest.approx(3.5)
    # ticks fed back to back measure an absurd tempo: the clock takes it, clamped
    assert rt.clock.bpm == pytest.approx(min(bar.current_bpm(), 999.0))
