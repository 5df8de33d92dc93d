"""Edit → Variations…: a seeded grid of variants; a click adopts one as one undo step."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets

from nodes import explore

from editor_helpers import menu_action

ROOT = Path(__file__).resolve().parents[2]
AMOEBA = ROOT / "graphs" / "amoeba.graph"


@pytest.fixture(autouse=True)
def _small(monkeypatch):
    from graph_app.editor import variations_dialog as vd

    monkeypatch.setattr(vd, "THUMB_SIZE", 32)
    monkeypatch.setattr(vd, "FIRST_FRAME", 2)


def _in_dialog(qtbot, act, answer):
    from graph_app.editor.variations_dialog import VariationsDialog

    got = {}

    def poll():
        w = QtWidgets.QApplication.activeModalWidget()
        if isinstance(w, VariationsDialog):
            try:
                got["result"] = answer(w)
            finally:
                w.reject()
        else:
            QtCore.QTimer.singleShot(20, poll)

    QtCore.QTimer.singleShot(20, poll)
    act.trigger()
    return got["result"]


def _values(graph):
    return explore.published_values(graph)


def test_click_adopts_one_variant_as_one_undo_step_and_back_returns(make_window, qtbot):
    win = make_window(str(AMOEBA))
    before = _values(win.doc.graph)

    def answer(dlg):
        dlg.seed.setValue(7)
        dlg.amount.setValue(50)
        dlg.regenerate()
        want = explore.variations(win.doc.graph, dlg.n, amount=0.5, seed=7)
        assert [_values(v) for v in dlg.variants] == [_values(v) for v in want]
        assert 6 <= len(dlg.tiles) <= 12
        n0 = win.doc.undo.count()
        dlg.tiles[2].click()
        adopted = _values(win.doc.graph)
        assert adopted == _values(want[2]) and adopted != before
        assert win.doc.undo.count() == n0 + 1  # all the values in one step
        dlg.back.click()
        assert _values(win.doc.graph) == before
        dlg.tiles[4].click()
        return _values(want[4])

    want4 = _in_dialog(qtbot, menu_action(win, "Variations…", "Edit"), answer)
    assert _values(win.doc.graph) == want4
    win.undo_action.trigger()  # the editor's own undo: one step restores every value
    assert _values(win.doc.graph) == before
    win.redo_action.trigger()
    assert _values(win.doc.graph) == want4


def test_same_seed_same_grid_and_thumbnails_arrive(make_window, qtbot):
    win = make_window(str(AMOEBA))

    def grid(dlg):
        dlg.seed.setValue(3)
        dlg.regenerate()
        got = [_values(v) for v in dlg.variants]
        shown = []
        dlg.live.frame.connect(lambda i, img: shown.append(i))
        qtbot.waitUntil(lambda: len(set(shown)) >= 2, timeout=30_000)
        return got

    a = _in_dialog(qtbot, menu_action(win, "Variations…", "Edit"), grid)
    b = _in_dialog(qtbot, menu_action(win, "Variations…", "Edit"), grid)
    assert a == b and len({str(v) for v in a}) > 1  # reproducible, and the variants differ


def test_a_graph_without_published_parameters_says_so(make_window, qtbot):
    win = make_window(str(AMOEBA))
    win.doc.set_published([])
    menu_action(win, "Variations…", "Edit").trigger()
    assert "publishes none" in win.statusBar().currentMessage()
