"""The preview follows the graph's settings, as a person meets them: the size menu checks
the size that runs (a graph's own 384 or 576x320 included); File -> Graph Settings edits
the rectangular grid; a seed or fps change there reaches the running preview."""

from __future__ import annotations

import json
import shutil
import time

import numpy as np
from PySide6 import QtWidgets

import nodes
from graph_app.editor.preview import to_rgb8

from editor_helpers import AMOEBA, answer_modal, menu_action


def _graph_file(tmp_path, name, **meta):
    doc = json.loads(AMOEBA.read_text())
    doc["meta"].update(meta)
    path = tmp_path / f"{name}.graph"
    path.write_text(json.dumps(doc))
    return path


def _own(box):
    """The entry the size menu marks as the graph's own size (bold, with a tooltip)."""
    from PySide6 import QtCore

    marked = [box.itemText(i) for i in range(box.count())
              if box.itemData(i, QtCore.Qt.ToolTipRole) == "The graph's own size"
              and box.itemData(i, QtCore.Qt.FontRole).bold()]
    assert len(marked) == 1, marked
    return marked[0]


def _entries(box):
    return [(box.itemText(i), box.itemData(i)) for i in range(box.count())]


def test_the_size_menu_checks_the_size_that_runs(make_window, qtbot, tmp_path):
    # a square graph of 384 px previewed at 64: neither is a listed size
    win = make_window(str(_graph_file(tmp_path, "odd", size=384)), size=64)
    box = win.preview.size_box
    assert (box.currentText(), box.currentData()) == ("64 px", 64)
    assert _own(box) == "384 px"
    assert _entries(box) == [("64 px", 64), ("256 px", 256), ("384 px", 384),
                             ("512 px", 512), ("1024 px", 1024)]
    # a rectangular graph at its own size: the entry says the grid that runs
    win = make_window(str(_graph_file(tmp_path, "wide", grid=[96, 48])), size=48)
    box = win.preview.size_box
    assert (box.currentText(), box.currentData()) == ("96×48", 48)
    assert _own(box) == "96×48"
    assert ("512×256", 256) in _entries(box) and ("1024×512", 512) in _entries(box)
    win.worker.start(win.doc.graph)
    qtbot.waitUntil(lambda: win.preview.last_info.get("grid") == (96, 48), timeout=30000)
    assert "96×48" in win.preview.view.hud
    # choosing another entry sends it to the preview, and the box keeps it checked
    box.setCurrentIndex(box.findData(256))
    qtbot.waitUntil(lambda: win.worker.size == 256, timeout=10000)
    assert box.currentText() == "512×256"
    assert win.worker.stop(5)


def _settings(win, fill):
    """File -> Graph Settings…, answered by ``fill(dialog)`` (which clicks OK or Cancel)."""
    from graph_app.editor.graph_settings import GraphSettingsDialog

    answer_modal(GraphSettingsDialog, fill)
    menu_action(win, "Graph Settings…", "File").trigger()


def _ok(d):
    d.buttons.button(QtWidgets.QDialogButtonBox.Ok).click()


def test_graph_settings_edit_the_grid_as_one_undo_step_saved_in_the_file(
        make_window, qtbot, tmp_path):
    mine = tmp_path / "mine.graph"
    shutil.copy(AMOEBA, mine)
    win = make_window(str(mine), preview=True, size=32)
    qtbot.waitUntil(lambda: win.preview.last_info.get("grid") == (32, 32), timeout=30000)
    n0 = win.doc.undo.count()

    def rectangular(d):
        assert d.grid_mode.currentData() == "square" and not d.grid_w.isEnabled()
        d.grid_mode.setCurrentIndex(d.grid_mode.findData("rect"))
        assert d.grid_w.isEnabled() and d.grid_h.isEnabled() and not d.size.isEnabled()
        d.grid_w.setValue(100)  # not a multiple of 16: refused, the dialog stays open
        _ok(d)
        assert d.isVisible() and "multiples of 16" in d.error.text()
        d.grid_w.setValue(96)
        d.grid_h.setValue(48)
        _ok(d)

    _settings(win, rectangular)
    assert win.doc.graph.meta.grid == [96, 48]
    assert win.doc.undo.count() == n0 + 1 and win.doc.dirty
    # the message names the graph's grid and the one the preview runs (at its 32 px size)
    assert "grid is 96×48; the preview runs it as 64×32" in win.statusBar().currentMessage()
    # the preview runs the new grid (its 32 px side the shorter one) and its menu says so
    qtbot.waitUntil(lambda: win.preview.last_info.get("grid") == (64, 32), timeout=30000)
    assert win.preview.size_box.currentText() == "64×32"
    assert win.preview.frame_box.itemText(0) == "grid's shape (96:48)"  # not "square"
    assert _own(win.preview.size_box) == "96×48"
    # saved in the file (format v4), and read back
    menu_action(win, "Save", "File").trigger()
    doc = json.loads(mine.read_text())
    assert doc["format_version"] == 4 and doc["meta"]["grid"] == [96, 48]
    assert nodes.load(mine).meta.grid == [96, 48]
    # one undo takes the grid back, the preview follows
    win.undo_action.trigger()
    assert win.doc.graph.meta.grid is None
    qtbot.waitUntil(lambda: win.preview.last_info.get("grid") == (32, 32), timeout=30000)
    win.redo_action.trigger()
    assert win.doc.graph.meta.grid == [96, 48]

    def square(d):
        assert d.grid_mode.currentData() == "rect"
        assert (d.grid_w.value(), d.grid_h.value()) == (96, 48)
        d.grid_mode.setCurrentIndex(d.grid_mode.findData("square"))
        d.size.setValue(256)
        _ok(d)

    _settings(win, square)
    m = win.doc.graph.meta
    assert (m.grid, m.size) == (None, 256)
    assert win.preview.frame_box.itemText(0) == "square"
    assert win.worker.stop(5)


def test_a_seed_or_fps_change_in_graph_settings_reaches_the_running_preview(
        make_window, qtbot, tmp_path):
    mine = tmp_path / "mine.graph"
    shutil.copy(AMOEBA, mine)
    win = make_window(str(mine), preview=True, size=32)
    qtbot.waitUntil(lambda: win.preview.frames_shown >= 3, timeout=30000)
    # fps: at once, the organism going on (no restart)
    n0 = win.preview.last_info["frame"]
    _settings(win, lambda d: (d.fps.setValue(12.0), _ok(d)))
    qtbot.waitUntil(lambda: win.worker._rt.fps == 12.0, timeout=10000)
    assert win.worker._rt.ctx.dt == 1 / 12.0
    d0, t0 = win.worker.frames_delivered, time.perf_counter()
    qtbot.wait(1000)
    rate = (win.worker.frames_delivered - d0) / (time.perf_counter() - t0)
    assert rate < 16, rate  # paced to 12 a second now (it made 30)
    assert win.preview.last_info["frame"] > n0
    # seed: the organism restarts from it (paused, one frame shows: a fresh seed-5 start)
    win.preview.play_btn.click()
    _settings(win, lambda d: (d.seed.setValue(5), _ok(d)))
    assert "restarted the organism from seed 5" in win.statusBar().currentMessage()
    qtbot.waitUntil(lambda: win.worker._rt.seed == 5 and win.worker._rt.shown == 1
                    and win.preview.last_info.get("frame") == 0, timeout=30000)
    g = win.doc.graph.copy()  # seed 5 at 12 fps: a fresh start of it
    assert (g.meta.seed, g.meta.fps) == (5, 12.0)
    rt = nodes.Runtime(g, backend="numpy", size=32, preroll=nodes.START_PREROLL)
    rt.step()
    qtbot.waitUntil(lambda: np.array_equal(win.preview.last_rgb8, to_rgb8(rt.output_host())),
                    timeout=10000)
    # an undo of the seed goes back to the graph's seed 0
    win.undo_action.trigger()
    qtbot.waitUntil(lambda: win.worker._rt.seed == 0, timeout=10000)
    assert win.worker.stop(5)
