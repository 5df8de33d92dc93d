"""Issue 12 part 11: paste at the cursor, palette greying, one dirty marker, empty-graph
message, View toggles, HUD backing and shown-fps."""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from nodes import Graph, Meta

from editor_helpers import menu_action


def _pal_graph():
    g = Graph(Meta(name="p", size=64, fps=30.0))
    g.add_node("colour.palette", "pal")
    return g


def test_paste_lands_at_cursor_or_view_centre(make_window, qtbot):
    win = make_window()
    win.doc.set_graph(_pal_graph())
    win.resize(1000, 700)
    win.show()
    qtbot.waitExposed(win)
    win.canvas.select(["pal"])
    menu_action(win, "Copy", "Edit").trigger()
    vp = win.canvas.viewer.viewport()
    # the mouse over the canvas: the pasted node's corner lands under it
    local = QtCore.QPoint(vp.width() // 3, vp.height() // 3)
    QtGui.QCursor.setPos(vp.mapToGlobal(local))
    want = win.canvas.viewer.mapToScene(QtGui.QCursor.pos() - vp.mapToGlobal(QtCore.QPoint()))
    menu_action(win, "Paste", "Edit").trigger()
    new = [n for n in win.doc.graph.nodes if n != "pal"]
    assert len(new) == 1
    x, y = win.doc.graph.ui["nodes"][new[0]]["pos"]
    assert abs(x - want.x()) < 2 and abs(y - want.y()) < 2
    # the mouse elsewhere: the view's centre
    QtGui.QCursor.setPos(vp.mapToGlobal(QtCore.QPoint(-500, -500)))
    menu_action(win, "Paste", "Edit").trigger()
    new2 = [n for n in win.doc.graph.nodes if n not in ("pal", new[0])]
    cx, cy = win.canvas.view_center()
    x, y = win.doc.graph.ui["nodes"][new2[0]]["pos"]
    assert abs(x - cx) < 2 and abs(y - cy) < 2


def test_named_palette_greys_out_the_params_it_ignores(make_window):
    win = make_window()
    win.doc.set_graph(_pal_graph())
    win.canvas.select(["pal"])
    rows = win.params.rows
    assert not any(rows[k].isEnabled() for k in "abcd")
    assert not rows["custom_hue"].isEnabled()
    assert rows["harm2"].isEnabled() and rows["preset"].isEnabled()
    combo = rows["preset"].findChild(QtWidgets.QComboBox)
    combo.setCurrentText("cosine")  # as a person picks it
    rows = win.params.rows
    assert all(rows[k].isEnabled() for k in "abcd") and not rows["custom_hue"].isEnabled()
    combo.setCurrentText("custom")
    rows = win.params.rows
    assert not rows["a"].isEnabled() and rows["custom_hue"].isEnabled()
    assert "preset" in rows["a"].toolTip().lower() or "cosine" in rows["a"].toolTip()


def test_one_dirty_marker_in_the_title(make_window, tmp_path):
    from nodes import fileformat

    path = tmp_path / "coral-mine.graph"
    fileformat.save(_pal_graph(), path)
    win = make_window(str(path))
    win.show()
    win.doc.set_param("pal", "harm2", 0.2)
    title = win.windowTitle()
    assert title.startswith("•coral-mine.graph")
    assert title.count("*") == 0 and title.count("•") == 1


def test_empty_graph_says_nothing_to_show(make_window, qtbot, tmp_path, monkeypatch):
    from graph_app.editor.gallery_dialog import GalleryDialog

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # thumbnails: not the user's
    win = make_window()

    def choose_blank():  # File → New opens the gallery: answer it through its widgets
        dlg = QtWidgets.QApplication.activeModalWidget()
        if not isinstance(dlg, GalleryDialog):
            QtCore.QTimer.singleShot(20, choose_blank)
            return
        dlg.select("starter:blank")
        dlg.open_button.click()

    QtCore.QTimer.singleShot(20, choose_blank)
    menu_action(win, "New", "File").trigger()
    assert not win.doc.graph.nodes
    text = " ".join(win.validation.list.item(i).text() for i in range(win.validation.list.count()))
    assert "nothing to show" in text and "the graph runs" not in text


def test_view_menu_toggles_hide_and_show_each_dock(make_window, qtbot):
    win = make_window()
    win.show()
    qtbot.waitExposed(win)
    view = next(a.menu() for a in win.menuBar().actions() if a.text() == "&View")
    toggles = [a for a in view.actions() if a.isCheckable() and a.text() != "Show Parameter Ports"]
    docks = {d.toggleViewAction(): d for d in win.findChildren(QtWidgets.QDockWidget)}
    assert len(toggles) >= 7
    for a in toggles:
        d = docks[a]
        a.trigger()
        assert d.isHidden(), d.objectName()
        a.trigger()
        assert not d.isHidden(), d.objectName()
    menu_action(win, "Reset Layout", "View").trigger()
    assert all(not d.isHidden() for d in docks.values())


def test_hud_box_is_dark_over_a_white_probe(qtbot):
    from graph_app.editor.preview import PreviewView
    from graph_app.editor.preview import rgb8_to_qimage

    v = PreviewView()
    qtbot.addWidget(v)
    v.resize(300, 300)
    v.image = rgb8_to_qimage(np.full((64, 64, 3), 255, np.uint8))
    v.hud = "24.0 fps   frame 12   64²   output"
    pm = v.grab().toImage()
    # the text sits on a dark box: sample the box between letters
    dark = [pm.pixelColor(x, 8).lightness() for x in range(6, 60)]
    assert np.median(dark) < 80, dark
    assert pm.pixelColor(200, 150).lightness() > 240  # the picture itself stays white


def test_shown_rate_counts_frames_painted():
    from graph_app.editor.hud import ShownRate

    t = [0.0]
    r = ShownRate(window=1.0, clock=lambda: t[0])
    for _ in range(40):  # 17 frames a second shown
        t[0] += 1 / 17
        r.tick()
    assert abs(r.rate() - 17) < 0.5
