"""The preview follows the graph's settings, as a person meets them: the size menu checks
the size that runs (a graph's own 384 or 576x320 included); File -> Graph Settings edits
the rectangular grid; a seed or fps change there reaches the running preview."""

from __future__ import annotations

import json

from editor_helpers import AMOEBA


def _graph_file(tmp_path, name, **meta):
    doc = json.loads(AMOEBA.read_text())
    doc["meta"].update(meta)
    path = tmp_path / f"{name}.graph"
    path.write_text(json.dumps(doc))
    return path


def _entries(box):
    return [(box.itemText(i), box.itemData(i)) for i in range(box.count())]


def test_the_size_menu_checks_the_size_that_runs(make_window, qtbot, tmp_path):
    # a square graph of 384 px previewed at 64: neither is a listed size
    win = make_window(str(_graph_file(tmp_path, "odd", size=384)), size=64)
    box = win.preview.size_box
    assert (box.currentText(), box.currentData()) == ("64 px", 64)
    assert _entries(box) == [("64 px", 64), ("256 px", 256), ("384 px (graph)", 384),
                             ("512 px", 512), ("1024 px", 1024)]
    # a rectangular graph at its own size: the entry says the grid that runs
    win = make_window(str(_graph_file(tmp_path, "wide", grid=[96, 48])), size=48)
    box = win.preview.size_box
    assert (box.currentText(), box.currentData()) == ("96×48 (graph)", 48)
    assert ("512×256", 256) in _entries(box) and ("1024×512", 512) in _entries(box)
    win.worker.start(win.doc.graph)
    qtbot.waitUntil(lambda: win.preview.last_info.get("grid") == (96, 48), timeout=30000)
    assert "96×48" in win.preview.view.hud
    # choosing another entry sends it to the preview, and the box keeps it checked
    box.setCurrentIndex(box.findData(256))
    qtbot.waitUntil(lambda: win.worker.size == 256, timeout=10000)
    assert box.currentText() == "512×256"
    assert win.worker.stop(5)
