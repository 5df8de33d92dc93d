"""Right-click on a node (Rename, Bypass, Preview This Output, Delete, Help) and the Tab
search, used as a person uses them."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

ROOT = Path(__file__).resolve().parents[2]
AMOEBA = ROOT / "graphs" / "amoeba.graph"


def _right_click(win, qtbot, nid):
    c = win.canvas
    view = c._view[nid].view
    vp = c.viewer.viewport()
    pos = c.viewer.mapFromScene(view.sceneBoundingRect().center())
    ev = QtGui.QContextMenuEvent(QtGui.QContextMenuEvent.Mouse, pos, vp.mapToGlobal(pos))
    QtWidgets.QApplication.sendEvent(vp, ev)
    menu = win.node_menu.last_menu
    assert menu is not None and menu.isVisible()
    return {a.text(): a for a in menu.actions() if not a.isSeparator()}


def test_node_context_menu_entries(make_window, qtbot, tmp_path):
    win = make_window(str(AMOEBA))
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    win.canvas.select(["bloom"], center=True)
    qtbot.wait(50)
    acts = _right_click(win, qtbot, "bloom")
    assert set(acts) >= {"Rename…", "Bypass", "Preview This Output", "Delete", "Help"}
    win.node_menu.last_menu.grab().save(str(tmp_path / "menu.png"))
    # Bypass: an undoable toggle, dims the node, saved in the file
    assert not acts["Bypass"].isChecked()
    acts["Bypass"].trigger()
    assert win.doc.graph.nodes["bloom"].bypass
    assert win.canvas._view["bloom"].view.opacity() < 0.5
    win.undo_action.trigger()
    assert not win.doc.graph.nodes["bloom"].bypass
    assert win.canvas._view["bloom"].view.opacity() == 1.0
    win.redo_action.trigger()
    out = tmp_path / "b.graph"
    assert win.file_save_as(str(out))
    import nodes

    assert nodes.load(out, strict=False).nodes["bloom"].bypass
    acts = _right_click(win, qtbot, "bloom")
    assert acts["Bypass"].isChecked()
    win.node_menu.last_menu.close()
    # Rename through its dialog
    def answer():
        w = QtWidgets.QApplication.activeModalWidget()
        if isinstance(w, QtWidgets.QInputDialog):
            w.setTextValue("Soft Glow")
            w.accept()
        else:
            QtCore.QTimer.singleShot(20, answer)

    QtCore.QTimer.singleShot(20, answer)
    _right_click(win, qtbot, "bloom")["Rename…"].trigger()
    assert win.doc.graph.nodes["bloom"].title == "Soft Glow"
    assert win.canvas._view["bloom"].name() == "Soft Glow"
    # Preview This Output probes the node
    _right_click(win, qtbot, "engine")["Preview This Output"].trigger()
    assert win.preview.probe == ("engine", "field")
    # Help shows the node's doc: description, ports and params
    _right_click(win, qtbot, "engine")["Help"].trigger()
    dlg = win.node_menu.help_dialog
    text = dlg.text.toPlainText()
    assert dlg.isVisible() and "Lenia" in text and "Gaussian-shell" in text
    assert "Inputs" in text and "Parameters" in text and "mu" in text
    dlg.grab().save(str(tmp_path / "help.png"))
    dlg.reject()
    # Delete, and undo brings the node back bypassed as it was
    _right_click(win, qtbot, "bloom")["Delete"].trigger()
    assert "bloom" not in win.doc.graph.nodes
    win.undo_action.trigger()
    assert win.doc.graph.nodes["bloom"].bypass
    qtbot.wait(20)
    assert win.canvas._view["bloom"].view.opacity() < 0.5


def test_tab_search_widget_finds_by_everyday_words(make_window, qtbot):
    win = make_window(str(AMOEBA))
    win.show()
    qtbot.waitExposed(win)
    n = len(win.doc.graph.nodes)
    win.show_search()
    s = win.search
    assert s.isVisible()
    qtbot.keyClicks(s.edit, "reaction")
    assert s.list.currentItem().data(QtCore.Qt.UserRole) == "engine.grayscott"
    s.edit.clear()
    qtbot.keyClicks(s.edit, "glow")
    assert s.list.item(0).data(QtCore.Qt.UserRole) == "colour.bloom"
    s.edit.clear()
    qtbot.keyClicks(s.edit, "color")
    found = {s.list.item(i).data(QtCore.Qt.UserRole) for i in range(s.list.count())}
    assert "colour.palette" in found
    qtbot.keyClick(s.edit, QtCore.Qt.Key_Return)
    assert len(win.doc.graph.nodes) == n + 1
