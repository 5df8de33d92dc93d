"""The preview says the grid that runs when a Gray-Scott or MNCA graph at 256 simulates at
512 (nodes.sim_grid): the size menu's entry (and which engine needs it), the corner of the
picture; and an edit that changes that grid (Gray-Scott's scaling off) rebuilds the preview
on the asked grid."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6 import QtCore

ROOT = Path(__file__).resolve().parents[2]


def test_a_gray_scott_preview_at_256_says_it_simulates_512(make_window, qtbot, tmp_path):
    mine = tmp_path / "medusa.graph"
    shutil.copy(ROOT / "graphs" / "medusa.graph", mine)
    win = make_window(str(mine), preview=True, size=256)
    box = win.preview.size_box
    # the entry stays short (the preview column keeps its width); its tooltip says it
    assert box.currentText() == "256 px"
    assert "Simulated at 512×512 and scaled down" in box.itemData(box.currentIndex(),
                                                                  QtCore.Qt.ToolTipRole)
    assert ("1024 px", 1024) in [(box.itemText(i), box.itemData(i)) for i in range(box.count())]
    qtbot.waitUntil(lambda: win.preview.last_info.get("grid") == (512, 512), timeout=60000)
    assert win.preview.last_info["out_frame"] == (256, 256)
    qtbot.waitUntil(lambda: "512² → 256×256" in win.preview.view.hud, timeout=10000)
    assert win.preview.last_rgb8.shape == (256, 256, 3)
    # Gray-Scott's scaling off (pixel-sized patterns): the 256 grid itself runs
    win.doc.set_param("engine", "scale_diffusion", False)
    qtbot.waitUntil(lambda: win.preview.last_info.get("grid") == (256, 256), timeout=60000)
    assert box.currentText() == "256 px"
    assert "imulated at" not in (box.itemData(box.currentIndex(), QtCore.Qt.ToolTipRole) or "")
    assert win.worker.stop(5)


def test_the_size_menu_names_the_engine_that_needs_512(qtbot):
    # the menu's tooltips give the reason from the engine's own declaration (nodes.sim_grid
    # .why): an MNCA graph's say MNCA, not Gray-Scott; a Lenia graph's say nothing of it
    from PySide6 import QtWidgets

    import nodes
    from graph_app.editor import preview_sizes

    box = QtWidgets.QComboBox()
    qtbot.addWidget(box)
    g = nodes.load(ROOT / "graphs" / "mnca_hunt.graph")
    preview_sizes.fill(box, g.meta, 256, g)
    tip = box.itemData(box.findData(256), QtCore.Qt.ToolTipRole)
    assert tip == ("Simulated at 512×512 and scaled down: MNCA needs at least 512 px to draw "
                   "its pattern"), tip
    assert box.itemData(box.findData(512), QtCore.Qt.ToolTipRole) == "The graph's own size"
    assert "MNCA needs at least 512 px" in box.toolTip()
    assert "Gray-Scott" not in box.toolTip() + tip
    g = nodes.load(ROOT / "graphs" / "amoeba.graph")
    preview_sizes.fill(box, g.meta, 256, g)
    assert "needs at least" not in box.toolTip()
    assert not box.itemData(box.findData(256), QtCore.Qt.ToolTipRole)
