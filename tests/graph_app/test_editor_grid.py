"""The editor's preview shows a graph with a rectangular grid in its own shape."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_preview_shows_a_rectangular_graph(make_window, qtbot, tmp_path):
    doc = json.loads((ROOT / "graphs" / "amoeba.graph").read_text())
    doc["meta"]["grid"] = [96, 48]
    src = tmp_path / "wide.graph"
    src.write_text(json.dumps(doc))
    # the preview's size is the grid's shorter side: 48 -> a 96 x 48 world
    win = make_window(str(src), preview=False, size=48)
    win.worker.start(win.doc.graph)
    qtbot.waitUntil(lambda: win.preview.last_rgb8 is not None
                    and win.preview.last_rgb8.shape == (48, 96, 3), timeout=30000)
    assert "96×48" in win.preview.view.hud
    qtbot.waitUntil(lambda: win.preview.last_rgb8.max() > 0, timeout=10000)
    assert win.worker.stop(5)
