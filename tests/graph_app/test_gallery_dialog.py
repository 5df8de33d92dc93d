"""File → New opens the gallery; a choice made through its widgets becomes the document."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtCore, QtWidgets

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _small_thumbs(tmp_path, monkeypatch):
    from graph_app.editor import thumbs

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(thumbs, "THUMB_SIZE", 32)
    monkeypatch.setattr(thumbs, "THUMB_FRAME", 1)


def _new_action(win):
    file_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&File")
    return next(a for a in file_menu.actions() if a.text() == "New")


def _answer(qtbot, act, answer):
    """Trigger ``act``; ``answer(dialog)`` runs once the gallery is open."""
    from graph_app.editor.gallery_dialog import GalleryDialog

    seen = {}

    def poll():
        w = QtWidgets.QApplication.activeModalWidget()
        if isinstance(w, GalleryDialog):
            seen["dialog"], seen["open_s"] = w, time.monotonic() - t0
            answer(w)
        else:
            QtCore.QTimer.singleShot(20, poll)

    QtCore.QTimer.singleShot(20, poll)
    t0 = time.monotonic()
    act.trigger()
    return seen


def test_new_opens_the_gallery_and_the_choice_becomes_an_untitled_document(make_window, qtbot):
    from graph_app.editor.thumbs import thumbnail_dir
    from nodes import gallery

    win = make_window(str(ROOT / "graphs" / "amoeba.graph"))
    n_bundled = len(gallery.bundled())

    def choose_coral(dlg):
        assert dlg.list.count() == n_bundled + 2  # blank and one Lenia first
        assert dlg.list.item(0).text() == "blank"
        qtbot.waitUntil(lambda: dlg.thumbnails_done() >= 3, timeout=60_000)
        dlg.select("graph:coral")
        dlg.open_button.click()

    seen = _answer(qtbot, _new_action(win), choose_coral)
    assert seen["open_s"] < 3.0, seen  # opens at once: thumbnails fill in afterwards
    from nodes import load

    want = load(ROOT / "graphs" / "coral.graph")
    assert set(win.doc.graph.nodes) == set(want.nodes)
    assert win.doc.graph.meta.name == want.meta.name
    assert win.doc.path is None and not win.doc.dirty  # untitled: Save asks for a name
    # the rendered thumbnails went into the per-user cache; a second gallery reads them
    seen_files = list(thumbnail_dir().glob("*.png"))
    assert len(seen_files) >= 3

    def cancel(dlg):
        assert dlg.thumbnails_done() >= len(seen_files)  # cached: shown on opening
        dlg.reject()

    _answer(qtbot, _new_action(win), cancel)
    assert win.doc.graph.meta.name == want.meta.name  # cancel changes nothing


def test_starter_graphs_blank_and_one_lenia(make_window, qtbot):
    from nodes.evaluator import Runtime

    win = make_window(str(ROOT / "graphs" / "amoeba.graph"))

    def pick(key):
        def answer(dlg):
            dlg.select(key)
            dlg.open_button.click()
        return answer

    _answer(qtbot, _new_action(win), pick("starter:blank"))
    assert not win.doc.graph.nodes and win.doc.path is None
    _answer(qtbot, _new_action(win), pick("starter:lenia"))
    g = win.doc.graph
    assert {nd.type for nd in g.nodes.values()} >= {"engine.lenia", "out.output"}
    rt = Runtime(g, backend="numpy", size=64)
    for _ in range(20):
        rt.step()
    assert np.asarray(rt.output_host()).mean() > 0.005  # it runs and shows something


def test_new_asks_about_unsaved_changes_first(make_window, qtbot, answers):
    win = make_window(str(ROOT / "graphs" / "amoeba.graph"))
    nid = next(n for n, nd in win.doc.graph.nodes.items() if nd.type == "engine.lenia")
    win.doc.set_param(nid, "mu", 0.2)
    answers.save_changes = "cancel"
    _new_action(win).trigger()  # no gallery: the user kept the document
    assert answers.asked == ["save_changes"] and win.doc.dirty


def test_a_renderer_deleted_mid_render_ends_its_thread_without_an_error(qtbot, monkeypatch):
    """A dialog closed with ``cancel(wait=0)`` may be deleted while the thread finishes the
    step it is on; the thread used to raise "Signal source has been deleted" emitting."""
    import threading

    import shiboken6

    import nodes
    from graph_app.editor import thumbs

    errors = []
    monkeypatch.setattr(threading, "excepthook", lambda args: errors.append(args.exc_value))
    stepping, release = threading.Event(), threading.Event()
    real = thumbs.ThumbRenderer._render

    def slow_render(self, graph, stop):
        stepping.set()
        release.wait(5)  # the owner is deleted meanwhile
        return real(self, graph, threading.Event())  # (a step in flight ignores the stop)

    monkeypatch.setattr(thumbs.ThumbRenderer, "_render", slow_render)
    owner = QtCore.QObject()
    r = thumbs.ThumbRenderer(size=16, frame=0, parent=owner)
    r.start([("amoeba", nodes.load(ROOT / "graphs" / "amoeba.graph"))])
    assert stepping.wait(5)
    thread = r._thread
    shiboken6.delete(owner)  # the renderer goes with its parent, as a dialog's does
    release.set()
    thread.join(10)
    assert not thread.is_alive()
    assert errors == []
