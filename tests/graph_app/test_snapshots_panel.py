"""The Snapshots dock: capture, rename, delete, recall (one undo step), a note recalls."""

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
