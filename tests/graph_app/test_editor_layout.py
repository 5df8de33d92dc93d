"""Issue 12 parts 5, 9 and 11 (auto-layout wires): framing, dock geometry, layout."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtWidgets

from nodes import Graph, Meta

from editor_helpers import menu_action

ALL_GRAPHS = sorted((Path(__file__).resolve().parents[2] / "graphs").glob("*.graph"))


def _layouts(paths):
    """One bundled graph per distinct layout (the same node types and links lay out and
    frame alike: the presets share a handful of structures)."""
    import json

    seen, out = set(), []
    for p in paths:
        d = json.loads(p.read_text())
        sig = (tuple((n["id"], n["type"]) for n in d["nodes"]),
               tuple(sorted(json.dumps(lk, sort_keys=True) for lk in d["links"])))
        if sig not in seen:
            seen.add(sig)
            out.append(p)
    return out


GRAPHS = _layouts(ALL_GRAPHS)
SIZES = ((1280, 720), (1920, 1080))


def _window_at(make_window, qtbot, w, h):
    win = make_window()
    win.resize(w, h)
    win.show()
    qtbot.waitExposed(win)
    menu_action(win, "Reset Layout", "View").trigger()
    QtWidgets.QApplication.processEvents()
    assert (win.width(), win.height()) == (w, h)
    return win


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_frame_all_fits_every_bundled_graph_with_readable_nodes(make_window, qtbot, size):
    from graph_app.editor import canvas_tools

    win = _window_at(make_window, qtbot, *size)
    v = win.canvas.viewer
    frame_all = menu_action(win, "Frame All", "View")
    for path in GRAPHS:
        win.doc.load(str(path))
        QtWidgets.QApplication.processEvents()
        frame_all.trigger()
        visible = v.mapToScene(v.viewport().rect()).boundingRect()
        nodes = list(win.canvas._view.values())
        cut = [win.canvas._mid[n.id] for n in nodes
               if not visible.contains(n.view.sceneBoundingRect())]
        assert not cut, f"{path.name} at {size}: {cut} outside the view"
        scale = v.transform().m11()
        assert scale >= canvas_tools.readable_scale(nodes) - 1e-3, (path.name, size, scale)
        # wires drawn as laid out never pass behind a third node
        assert not canvas_tools.pipes_behind_nodes(win.canvas), path.name
    win.doc.undo.clear()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_dock_stays_usable(make_window, qtbot, size):
    from graph_app.editor import window_layout

    win = _window_at(make_window, qtbot, *size)
    w, h = size
    vp = win.canvas.viewer.viewport()
    assert vp.width() >= 0.55 * w and vp.height() >= 0.55 * h - 40, vp.size()
    for d in window_layout.docks(win):
        mw, mh = window_layout.MIN_SIZES[d.objectName()]
        assert d.width() >= mw and d.height() >= mh, (d.objectName(), d.size())
    # the bottom panels share one tabbed dock, each with the canvas's width
    bottom = window_layout.bottom_docks(win)
    assert all(win.tabifiedDockWidgets(bottom[0]).count(d) for d in bottom[1:])
    win.dock_problems.raise_()
    QtWidgets.QApplication.processEvents()
    assert win.validation.list.viewport().width() >= 0.5 * vp.width()
    win.dock_published.raise_()
    QtWidgets.QApplication.processEvents()
    t = win.published.table
    assert t.rowCount() > 0
    assert t.horizontalHeader().length() <= t.viewport().width() + 2  # no column cut off
    assert win.preview.view.width() >= 300 and win.preview.view.height() >= 200
    # no leftover tab bar drawn over a dock
    from PySide6 import QtCore

    shown = [d.geometry() for d in window_layout.docks(win) if d.isVisible()]
    for tb in win.findChildren(QtWidgets.QTabBar, options=QtCore.Qt.FindDirectChildrenOnly):
        assert not (tb.isVisible() and any(tb.geometry().intersects(g) for g in shown))


def test_window_state_is_saved_and_restored(make_window, qtbot):
    win = _window_at(make_window, qtbot, 1920, 1080)
    win.dock_snapshots.hide()
    win.close()
    win2 = make_window()
    win2.resize(1920, 1080)
    win2.show()
    qtbot.waitExposed(win2)
    assert win2.dock_snapshots.isHidden() and not win2.dock_problems.isHidden()


def test_auto_layout_routes_no_wire_behind_a_node(make_window, qtbot):
    from graph_app.editor import canvas_tools

    g = Graph(Meta(name="t", size=64, fps=30.0))
    for t, nid in (("seed.pattern", "seed"), ("engine.lenia", "engine"),
                   ("colour.thickness", "thick"), ("colour.gray", "gray"),
                   ("colour.bloom", "bloom"), ("out.output", "output"),
                   ("signal.lfo", "lfo")):
        g.add_node(t, nid)
    g.connect("seed", "seed", "engine", "seed")
    g.connect("engine", "field", "thick", "field")
    g.connect("thick", "field", "gray", "field")
    g.connect("gray", "rgb", "bloom", "rgb")
    g.connect("bloom", "rgb", "output", "rgb")
    g.connect("lfo", "out", "engine", "mu")  # a link into the chain's start ...
    g.connect("lfo", "out", "bloom", "intensity")  # ... and one skipping three columns
    win = _window_at(make_window, qtbot, 1920, 1080)
    win.doc.set_graph(g)
    QtWidgets.QApplication.processEvents()
    menu_action(win, "Auto Layout", "View").trigger()
    QtWidgets.QApplication.processEvents()
    assert not canvas_tools.pipes_behind_nodes(win.canvas)
    # the check itself sees a wire behind a node: put the thickness node on the LFO's wire
    a = win.canvas.port_scene_pos("lfo", "out", True)
    b = win.canvas.port_scene_pos("bloom", "intensity", False)
    tv = win.canvas.view_node("thick")
    win.doc.move_nodes({"thick": [(a.x() + b.x()) / 2 - tv.view.width / 2,
                                  (a.y() + b.y()) / 2 - tv.view.height / 2]})
    QtWidgets.QApplication.processEvents()
    assert any(n == "thick" for _a, _b, n in canvas_tools.pipes_behind_nodes(win.canvas))
    win.doc.undo.clear()


def test_auto_layout_moves_a_node_off_a_skipping_wire(make_window, qtbot):
    """lfo feeds gray and bloom; gray feeds bloom: in three single-node columns the wire
    lfo -> bloom would run straight through gray."""
    from graph_app.editor import canvas_tools

    g = Graph(Meta(name="t", size=64, fps=30.0))
    for t, nid in (("signal.lfo", "lfo"), ("colour.gray", "gray"), ("colour.bloom", "bloom")):
        g.add_node(t, nid)
    g.connect("lfo", "out", "gray", "gain")
    g.connect("gray", "rgb", "bloom", "rgb")
    g.connect("lfo", "out", "bloom", "intensity")
    win = _window_at(make_window, qtbot, 1280, 720)
    win.doc.set_graph(g)
    QtWidgets.QApplication.processEvents()
    menu_action(win, "Auto Layout", "View").trigger()
    QtWidgets.QApplication.processEvents()
    assert not canvas_tools.pipes_behind_nodes(win.canvas)
    win.doc.undo.clear()


def test_preview_stats_line_fits_at_1280x720(make_window, qtbot):
    """The stats line under the preview (fps shown, fps made, sim ms) says all three
    figures in a 1280-wide window's column: a shorter form, never cut off."""
    from graph_app.editor.preview import stats_forms

    win = _window_at(make_window, qtbot, 1280, 720)
    label = win.preview.fps_label
    win.worker.start(win.doc.graph)
    qtbot.waitUntil(lambda: win.preview.frames_shown >= 2, timeout=60000)
    shown = label.shown_text()
    width = label.contentsRect().width()
    assert label.fontMetrics().horizontalAdvance(shown) <= width, (shown, width)
    assert "…" not in shown and "fps" in shown and "made" in shown and "ms" in shown, shown
    # the worst figures the template allows still say every number
    worst = stats_forms(999.9, 999.9, 9999.9)[-1]
    assert label.fontMetrics().horizontalAdvance(worst) <= width, worst
    assert "fps shown" in label.toolTip() and "sim" in label.toolTip()


def _rect_in(w, top):
    from PySide6 import QtCore

    return QtCore.QRect(w.mapTo(top, QtCore.QPoint(0, 0)), w.size())


def test_params_rows_are_clear_of_the_tab_bar_at_1280x720(make_window, qtbot):
    """Under 1600 px the node list is a tab beside the parameters: the Lenia node's first
    three sliders (the LFO-driven ones) show whole above that tab bar, and every other
    row scrolls into view whole."""
    from PySide6 import QtCore

    win = _window_at(make_window, qtbot, 1280, 720)
    win.canvas.select(["engine"])
    QtWidgets.QApplication.processEvents()
    scroll = win.params.scroll
    tabs = [tb for tb in win.findChildren(QtWidgets.QTabBar,
                                          options=QtCore.Qt.FindDirectChildrenOnly)
            if tb.isVisible() and "Parameters" in [tb.tabText(i) for i in range(tb.count())]]
    assert tabs, "the Nodes list is a tab beside Parameters at 1280 wide"
    bar = _rect_in(tabs[0], win)
    view = _rect_in(scroll.viewport(), win)
    assert not view.intersects(bar), (view, bar)
    rows = list(win.params.rows.values())
    for row in rows[:3]:
        r = _rect_in(row, win)
        assert view.contains(r) and not r.intersects(bar), (row.p.name, r, view, bar)
    for row in rows:
        scroll.ensureWidgetVisible(row, 0, 0)
        QtWidgets.QApplication.processEvents()
        assert view.contains(_rect_in(row, win)), row
    # a node with a long description: two lines of it here (the rest in its tooltip)
    win.canvas.select(["output"])
    QtWidgets.QApplication.processEvents()
    desc = win.params.description
    assert desc.text().endswith("…") and desc.toolTip() == desc.full_text()
    assert desc.height() <= 2 * desc.fontMetrics().lineSpacing() + 4
    first = _rect_in(next(iter(win.params.rows.values())), win)
    assert view.contains(first), (first, view)
    win.doc.undo.clear()


def test_params_panel_shows_five_rows_at_1280x720(make_window, qtbot):
    """A short panel (a 1280x720 window's) puts each numeric row on one line: the Lenia
    node's first five rows show whole without scrolling, a driven row shows its driver
    where the greyed slider was, and a slider still edits; at 1920x1080 the label's line
    stays over the slider's."""
    win = _window_at(make_window, qtbot, 1280, 720)
    win.canvas.select(["engine"])
    QtWidgets.QApplication.processEvents()
    view = _rect_in(win.params.scroll.viewport(), win)
    rows = list(win.params.rows.values())
    assert len(rows) >= 5
    for row in rows[:5]:
        r = _rect_in(row, win)
        assert view.contains(r), (row.p.name, r, view)
    mu, radius = win.params.rows["mu"], win.params.rows["R"]
    assert mu.compact and radius.compact
    assert mu.live.isVisible() and not mu.slider.isVisible()  # an LFO drives mu
    assert "driven by LFO" in mu.live.shown_text()
    assert radius.slider.isVisible() and not radius.live.isVisible()
    s, e, lab = (_rect_in(w, win) for w in (radius.slider, radius.spin, radius.label))
    assert abs(s.center().y() - e.center().y()) <= 3 and s.left() > lab.left()
    radius.slider.setValue(radius.slider.value() + 50)  # keyboard/wheel: applied at once
    assert win.doc.graph.nodes["engine"].params["R"] != 15.0
    # a tall panel: the two-line rows
    win.resize(1920, 1080)
    menu_action(win, "Reset Layout", "View").trigger()
    QtWidgets.QApplication.processEvents()
    radius = win.params.rows["R"]
    assert not radius.compact
    s, lab = _rect_in(radius.slider, win), _rect_in(radius.label, win)
    assert s.top() >= lab.bottom()
    assert win.params.rows["mu"].slider.isVisible()
    win.doc.undo.clear()
