"""The preview says the grid that runs when a Gray-Scott or MNCA graph at 256 simulates at
512 (nodes.sim_grid): the size menu's entry (and which engine needs it), the corner of the
picture; and an edit that changes that grid (Gray-Scott's scaling off) rebuilds the preview
on the asked grid."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6 import QtCore, QtWidgets

ROOT = Path(__file__).resolve().parents[2]


def test_a_gray_scott_preview_at_256_says_it_simulates_512(make_window, qtbot, tmp_path):
    mine = tmp_path / "medusa.graph"
    shutil.copy(ROOT / "graphs" / "medusa.graph", mine)
    win = make_window(str(mine), preview=True, size=256)
    box = win.preview.size_box
    # the entry says it (the closed box more briefly); its tooltip says why
    assert box.currentText() == "256 px (simulates 512)"
    assert box.currentClosedText() == "256→512"
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
    assert box.currentText() == box.currentClosedText() == "256 px"
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


def test_the_size_menu_entries_say_the_grid_a_lifted_graph_simulates(make_window, qtbot):
    # reef (Gray-Scott) at 256 runs 512: the entry itself says so, in the list and on the
    # closed box; the sizes that run as asked keep their plain entries
    win = make_window(str(ROOT / "graphs" / "reef.graph"), size=256)
    box = win.preview.size_box
    texts = [box.itemText(i) for i in range(box.count())]
    assert texts == ["256 px (simulates 512)", "512 px", "1024 px"], texts
    assert box.currentClosedText() == "256→512"
    box.showPopup()  # the list is wide enough for its longest entry
    fm = box.view().fontMetrics()
    assert box.view().width() > fm.horizontalAdvance("256 px (simulates 512)")
    box.hidePopup()
    # choosing 512 through the box: plain text, and the preview is asked for 512
    box.setCurrentIndex(box.findData(512))
    assert win.preview.size_choice == 512
    assert box.currentText() == box.currentClosedText() == "512 px"
    # the closed box is sized for its short texts, not the list's long ones
    plain = QtWidgets.QComboBox()
    qtbot.addWidget(plain)
    plain.setSizeAdjustPolicy(plain.SizeAdjustPolicy.AdjustToContents)
    plain.addItems(texts)
    assert box.sizeHint().width() < plain.sizeHint().width() - 30
    # an edit that stops the lift (Gray-Scott's scaling off) gives the plain entry back
    win.doc.set_param("engine", "scale_diffusion", False)
    assert box.itemText(box.findData(256)) == "256 px"
    # a lifted rectangular grid names both grids (the closed box the factor)
    import nodes
    from graph_app.editor import preview_sizes

    g = nodes.load(ROOT / "graphs" / "mnca_hunt.graph")
    g.meta.grid = (576, 320)
    assert preview_sizes.entry_texts(g.meta, 256, g) == ("464×256 (simulates 928×512)",
                                                         "464×256 ×2")
    assert preview_sizes.entry_texts(g.meta, 512, g) == ("928×512", "928×512")
