"""The Snapshots dock: capture, rename, delete, recall (one undo step), a note recalls."""

import time
from pathlib import Path

import pytest
from PySide6 import QtCore

from graph_app.editor import live
from nodes import fileformat
from nodes.graph import Control

mido = pytest.importorskip("mido")
GRAPH = Path(__file__).resolve().parents[2] / "graphs" / "amoeba.graph"


@pytest.fixture
def win(make_window):
    w = make_window(str(GRAPH))
    w.doc.graph.snapshots = []  # amoeba ships two: these tests start from none
    w.snapshots_panel.refresh()
    yield w
    live.close(w)


def test_capture_recall_rename_delete_and_save(win, qtbot, tmp_path):
    panel, g = win.snapshots_panel, win.doc.graph
    panel.capture_all.click()
    assert [s.name for s in g.snapshots] == ["look 1"] and not g.snapshots[0].published_only
    assert g.snapshots[0].values["bloom"]["intensity"] == g.param_value("bloom", "intensity")
    panel.capture_pub.click()
    pub = g.snapshots[1]
    assert pub.published_only and set(pub.values) == {p.node for p in g.published}
    look1 = g.param_value("bloom", "intensity")
    win.doc.set_param("bloom", "intensity", 1.9)
    win.doc.set_param("flow", "swirl", -0.8)
    n = win.doc.undo.count()
    panel.list.setCurrentRow(0)
    panel.recall_button.click()
    assert g.param_value("bloom", "intensity") == look1
    assert win.doc.undo.count() == n + 1  # one step for the whole recall
    win.undo_action.trigger()
    assert (g.param_value("bloom", "intensity"), g.param_value("flow", "swirl")) == (1.9, -0.8)
    # rename in the list; a note bound to it follows the new name
    g.controls.append(Control("midi_note", action="snapshot", number=40, snapshot="look 1"))
    panel.list.item(0).setText("calm")
    assert g.snapshots[0].name == "calm" and g.controls[0].snapshot == "calm"
    win.controllers.midi.handle(mido.Message("note_on", note=40, velocity=90))
    qtbot.waitUntil(lambda: g.param_value("bloom", "intensity") == look1, timeout=2000)
    path = tmp_path / "s.graph"
    win.file_save_as(str(path))
    back = fileformat.load(path)
    assert [s.name for s in back.snapshots] == ["calm", "look 2"]
    assert back.snapshots[0].values == g.snapshots[0].values
    panel.list.setCurrentRow(1)
    panel.delete.click()
    assert [s.name for s in g.snapshots] == ["calm"]
    panel.list.item(0).setText("")  # an empty name is refused
    qtbot.wait(50)
    assert g.snapshots[0].name == "calm"


def test_structural_differences_are_named(win):
    from graph_app.editor.snapshots_panel import capture, structural_differences

    g = win.doc.graph
    a = capture(g, "a")
    win.doc.set_param("engine", "R", 20.0)
    win.doc.set_param("bloom", "intensity", 1.7)
    b = capture(g, "b")
    assert structural_differences(g, a, b) == ["engine.R"]


def test_morph_slider_blends_two_snapshots_in_one_undo_step(win, qtbot):
    pytest.importorskip("nodes.snapshots", reason="the runtime's morph (branch live-model)")
    panel, g = win.snapshots_panel, win.doc.graph
    win.doc.set_param("bloom", "intensity", 0.2)
    panel.capture_all.click()
    win.doc.set_param("bloom", "intensity", 1.8)
    win.doc.set_param("engine", "R", 20.0)
    panel.capture_all.click()
    assert panel.morph_row.isVisibleTo(panel)
    assert "engine.R" in panel.structural.text()
    n = win.doc.undo.count()
    for v in (0, 250, 500, 750, 1000):
        panel.morph.setValue(v)
    assert g.param_value("bloom", "intensity") == pytest.approx(1.8)
    assert win.doc.undo.count() == n + 1
    panel.morph.setValue(250)
    assert 0.2 < g.param_value("bloom", "intensity") < 1.8


def test_recall_waits_for_the_next_beat_when_quantised(win, qtbot):
    panel, g = win.snapshots_panel, win.doc.graph
    panel.capture_all.click()
    base = g.param_value("bloom", "intensity")
    win.doc.set_param("bloom", "intensity", 1.9)
    win.tempo_bar.set_bpm(60.0)  # a beat a second
    win.tempo_bar._rebase(0.05)  # just after a downbeat: the next beat is ~0.95 s away
    panel.quantise.setCurrentText("next beat")
    panel.list.setCurrentRow(0)
    t0 = time.monotonic()
    panel.recall_button.click()
    qtbot.wait(300)
    assert g.param_value("bloom", "intensity") == 1.9  # not yet
    qtbot.waitUntil(lambda: g.param_value("bloom", "intensity") == base, timeout=3000)
    assert 0.6 < time.monotonic() - t0 < 2.0
    # stopped clock: at once
    win.doc.set_param("bloom", "intensity", 1.9)
    win.tempo_bar.play_action.trigger()
    panel.recall_button.click()
    assert g.param_value("bloom", "intensity") == base


def test_recall_with_a_transition_blends_in_one_undo_step(win, qtbot):
    pytest.importorskip("nodes.snapshots", reason="the runtime's morph (branch live-model)")
    panel, g = win.snapshots_panel, win.doc.graph
    win.doc.set_param("bloom", "intensity", 0.2)
    panel.capture_all.click()
    win.doc.set_param("bloom", "intensity", 1.8)
    n = win.doc.undo.count()
    panel.transition.setValue(0.6)
    panel.list.setCurrentRow(0)
    seen = []
    win.doc.model_event.connect(lambda e, p: e == "param_changed" and p["node_id"] == "bloom"
                                and seen.append(p["value"]))
    panel.recall_button.click()
    qtbot.waitUntil(lambda: g.param_value("bloom", "intensity") == pytest.approx(0.2),
                    timeout=5000)
    assert any(0.3 < v < 1.7 for v in seen)  # it passed through values between
    assert win.doc.undo.count() == n + 1
