"""Graph Settings and File → Export for Scope…, used through their menu entries and
dialogs as a person does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from PySide6 import QtWidgets

from editor_helpers import answer_modal, menu_action

ROOT = Path(__file__).resolve().parents[2]
AMOEBA = ROOT / "graphs" / "amoeba.graph"


def test_graph_settings_edit_is_one_undo_step_and_saved(make_window, qtbot, tmp_path):
    from graph_app.editor.graph_settings import GraphSettingsDialog

    mine = tmp_path / "mine.graph"
    shutil.copy(AMOEBA, mine)
    win = make_window(str(mine))
    before = win.doc.undo.count()

    def fill(d):
        d.name.setText("tide organism")
        d.description.setPlainText("a calmer amoeba")
        d.size.setValue(256)
        d.fps.setValue(24.0)
        d.seed.setValue(42)
        d.buttons.button(QtWidgets.QDialogButtonBox.Ok).click()

    answer_modal(GraphSettingsDialog, fill)
    menu_action(win, "Graph Settings…").trigger()
    m = win.doc.graph.meta
    assert (m.name, m.description, m.size, m.fps, m.seed) == \
        ("tide organism", "a calmer amoeba", 256, 24.0, 42)
    assert win.doc.undo.count() == before + 1 and win.doc.dirty
    win.undo_action.trigger()
    m = win.doc.graph.meta
    assert (m.name, m.size, m.fps, m.seed) == ("amoeba", 512, 30.0, 0)
    win.redo_action.trigger()
    assert win.file_save()
    text = mine.read_text()
    assert '"tide organism"' in text and '"seed": 42' in text and '"size": 256' in text

    # a size that is not a multiple of 16 is refused in the dialog, which stays open
    def bad(d):
        d.size.setValue(250)
        d.buttons.button(QtWidgets.QDialogButtonBox.Ok).click()
        assert d.isVisible() and "multiple of 16" in d.error.text()
        d.grab().save(str(tmp_path / "settings.png"))
        d.reject()

    answer_modal(GraphSettingsDialog, bad)
    menu_action(win, "Graph Settings…").trigger()
    assert win.doc.graph.meta.size == 256


def test_export_for_scope_from_the_file_menu(make_window, qtbot, tmp_path):
    """amoeba.graph saved as my-amoeba.graph (its name still "amoeba") exports as
    cagraph-my-amoeba, off the UI thread, with a result line."""
    from graph_app.editor.export_dialog import ExportDialog

    mine = tmp_path / "my-amoeba.graph"
    win = make_window(str(AMOEBA))
    assert win.file_save_as(str(mine))
    assert win.doc.graph.meta.name == "amoeba"
    menu_action(win, "Export for Scope…").trigger()
    dlg = win._export_dialog
    assert isinstance(dlg, ExportDialog) and dlg.isVisible()
    assert "cagraph-my-amoeba" in dlg.pipeline.text()
    dlg.folder.setText(str(tmp_path / "plug"))
    dlg.size.setText("320x192")
    dlg.prompt.setText("bioluminescent jellyfish")
    dlg.merge.setCurrentIndex(dlg.merge.findData("runtime_peft"))
    dlg.export_btn.click()
    assert dlg.busy and not dlg.export_btn.isEnabled()
    qtbot.waitUntil(lambda: not dlg.busy, timeout=60000)
    assert not isinstance(dlg.last, Exception), dlg.last
    assert dlg.last.names.pipeline_id == "cagraph-my-amoeba"
    assert "Exported cagraph-my-amoeba" in dlg.result.text()
    wf = json.loads(dlg.last.workflow_path.read_text())
    assert "bioluminescent jellyfish" in json.dumps(wf)
    assert (dlg.last.width, dlg.last.height) == (320, 192)
    assert (tmp_path / "plug" / "pyproject.toml").exists()
    dlg.grab().save(str(tmp_path / "export.png"))
    # a bad size: one clear line in the dialog, no traceback
    dlg.size.setText("500")
    dlg.export_btn.click()
    qtbot.waitUntil(lambda: not dlg.busy, timeout=30000)
    assert isinstance(dlg.last, Exception)
    assert dlg.result.text().startswith("Export failed: --size '500'")
    assert "\n" not in dlg.result.text()
    dlg.reject()
