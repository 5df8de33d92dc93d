"""Issue 12, parts 2-4 in the editor, as a person does them: a stray node never stops
the preview (and a probe of it says why it cannot run); Drive with an LFO works in the
parameter's units; a driven parameter is greyed and names its driver; undoing an edit
that killed the organism brings it back."""

from __future__ import annotations

import pytest
from PySide6 import QtCore, QtWidgets

from nodes import Runtime, Severity, validate
from nodes.rescue import dead_engines

from editor_helpers import lenia_graph


@pytest.fixture
def menus(monkeypatch):
    """Context menus opened (QMenu.exec would block): the test clicks their entries."""
    opened = []

    class Recording(QtWidgets.QMenu):
        def exec(self, *a, **k):  # noqa: A003 - Qt's name
            opened.append(self)

    monkeypatch.setattr(QtWidgets, "QMenu", Recording)
    return opened


def _right_click(row, menus):
    row.label.customContextMenuRequested.emit(QtCore.QPoint(3, 3))
    return {a.text(): a for a in menus[-1].actions()}


def test_a_stray_advect_is_a_warning_and_the_preview_runs(make_window, qtbot):
    win = make_window(size=64)
    win.doc.set_graph(lenia_graph())
    win.worker.start(win.doc.graph)
    qtbot.waitUntil(lambda: win.preview.frames_shown >= 2, timeout=20000)
    win.doc.add_node("flow.advect", (400.0, 0.0))
    n = win.preview.frames_shown
    qtbot.waitUntil(lambda: win.preview.frames_shown > n + 3, timeout=10000)
    assert win.preview.view.error == "" and win.preview.last_rgb8 is not None
    win.validation.refresh()
    texts = [win.validation.list.item(i).text() for i in range(win.validation.list.count())]
    assert any(t.startswith("▲") and "advect" in t and "not run" in t for t in texts), texts
    assert not any(t.startswith("✖") for t in texts)
    # previewing the stray node says why it cannot show, and the preview keeps running
    win.preview_port("advect", "field")
    qtbot.waitUntil(lambda: "cannot preview advect" in win.preview.last_info.get("label", ""),
                    timeout=10000)
    assert "not connected" in win.preview.last_info["label"]
    win.preview.set_probe(None)
    qtbot.waitUntil(lambda: win.preview.last_info.get("label") == "output", timeout=10000)
    assert win.worker.stop(5)


def test_drive_with_an_lfo_works_in_the_params_units(make_window, menus):
    win = make_window()
    doc = win.doc
    doc.set_graph(lenia_graph())
    doc.set_param("engine", "mu", 0.2)
    win.canvas.select(["engine"])
    p = doc.graph.nodes["engine"].spec.param("mu")
    _right_click(win.params.rows["mu"], menus)["Drive with an LFO"].trigger()
    lid = doc.modulation_source("engine", "mu").src
    win.canvas.select([lid])
    depth, centre = win.params.rows["depth"], win.params.rows["center"]
    # the whole slider is the target's range: its end is half the range, not 1000
    depth.slider.setValue(depth.slider.maximum())
    assert doc.graph.nodes[lid].params["depth"] == pytest.approx((p.max - p.min) / 2)
    depth.slider.setValue(depth.slider.maximum() * 20 // 200)  # a 20 px drag of 200
    assert doc.graph.nodes[lid].params["depth"] <= 0.1 * (p.max - p.min) + 1e-6
    centre.spin.setValue(39.0)  # typed: held to the target's range
    assert doc.graph.nodes[lid].params["center"] == pytest.approx(p.max)
    assert doc.set_param(lid, "depth", 39.0) is None
    assert doc.graph.nodes[lid].params["depth"] == pytest.approx((p.max - p.min) / 2)
    # the runtime never gives the param a value outside its range
    rt = Runtime(doc.graph, backend="numpy", size=32)
    step = next(s for s in rt._plan if s.node_id == "engine")
    seen = []
    for _ in range(40):
        rt.step()
        seen.append(rt._params_for(step)["mu"])
    assert min(seen) >= p.min and max(seen) <= p.max and max(seen) == pytest.approx(p.max)


def test_any_driver_is_clamped_to_the_target_range():
    g = lenia_graph()
    g.add_node("signal.constant", "c", {"value": 39.0})
    g.connect("c", "out", "engine", "mu")
    rt = Runtime(g, backend="numpy", size=32)
    rt.step()
    step = next(s for s in rt._plan if s.node_id == "engine")
    assert rt._params_for(step)["mu"] == pytest.approx(g.nodes["engine"].spec.param("mu").max)


def test_a_driven_param_is_greyed_and_names_its_driver(make_window, menus):
    win = make_window()
    doc = win.doc
    doc.set_graph(lenia_graph())
    win.canvas.select(["engine"])
    row = win.params.rows["mu"]
    assert row.slider.isEnabled() and row.spin.isEnabled()
    _right_click(row, menus)["Drive with an LFO"].trigger()
    lid = doc.modulation_source("engine", "mu").src
    row = win.params.rows["mu"]
    assert not row.slider.isEnabled() and not row.spin.isEnabled()
    assert f"driven by" in row.live.text() and lid in row.live.text()
    win.params.update_live({(lid, "out"): 0.3})  # a preview frame's values
    assert "0.3" in row.live.text() and lid in row.live.text()
    assert row.slider.value() == row._to_slider(0.3) and row.spin.value() == pytest.approx(0.3)
    _right_click(row, menus)["Remove modulation"].trigger()
    row = win.params.rows["mu"]
    assert row.slider.isEnabled() and row.spin.isEnabled() and row.live.text() == ""


def test_undo_of_an_edit_that_killed_the_organism_brings_it_back(make_window, qtbot):
    win = make_window(size=64)
    doc = win.doc
    doc.set_graph(lenia_graph(fps=240.0))
    win.worker.start(doc.graph)
    qtbot.waitUntil(lambda: win.preview.frames_shown >= 5, timeout=30000)
    win.canvas.select(["engine"])
    row = win.params.rows["mu"]
    before = win.preview.last_info["frame"]
    row.spin.setValue(row.p.max)  # typed: growth needs far more mass than there is: dies
    n = win.preview.frames_shown
    qtbot.waitUntil(lambda: win.preview.frames_shown > n + 60, timeout=30000)
    win.preview.play_btn.setChecked(False)
    qtbot.wait(300)
    assert dead_engines(win.worker._rt) == ["engine"]
    dead_at = win.worker._rt.shown
    win.undo_action.trigger()  # Edit → Undo
    qtbot.waitUntil(lambda: win.rescue.count == 1, timeout=10000)
    assert win.rescue.last == "restored"
    assert "mu" not in doc.graph.nodes["engine"].params
    qtbot.wait(200)
    rt = win.worker._rt
    # the state from just before the edit (a few frames after `before`), not a restart
    assert dead_engines(rt) == [] and before <= rt.shown < dead_at - 40
    # an undo that finds the organism alive leaves it alone
    row.spin.setValue(0.16)
    win.undo_action.trigger()
    qtbot.wait(300)
    assert win.rescue.count == 1
    assert win.worker.stop(5)


def test_problems_panel_names_the_stray_node_as_a_warning():
    g = lenia_graph()
    g.add_node("flow.advect", "advect")
    sev = {i.severity for i in validate(g) if i.node_id == "advect"}
    assert sev == {Severity.WARNING}


def test_bypass_is_one_undo_step_and_reaches_the_preview(make_window, qtbot, tmp_path):
    from graph_app.editor.node_menu import set_bypass
    from nodes import fileformat

    win = make_window(size=64)
    doc = win.doc
    g = lenia_graph(fps=240.0)
    g.disconnect(next(lk for lk in g.links if lk.dst == "gray"))
    g.add_node("math.levels", "lv", {"low": 0.3})
    g.connect("engine", "field", "lv", "field")
    g.connect("lv", "field", "gray", "field")
    doc.set_graph(g)
    win.worker.start(doc.graph)
    qtbot.waitUntil(lambda: win.preview.frames_shown >= 2, timeout=30000)
    n0 = doc.undo.count()
    set_bypass(doc, "lv", True)  # what the node menu's Bypass does
    assert doc.undo.count() == n0 + 1 and doc.graph.nodes["lv"].bypass
    qtbot.waitUntil(lambda: win.worker._rt.graph.nodes["lv"].bypass, timeout=10000)
    assert win.preview.view.error == ""
    fileformat.save(doc.graph, tmp_path / "b.graph")
    assert fileformat.load(tmp_path / "b.graph").nodes["lv"].bypass
    win.undo_action.trigger()
    assert not doc.graph.nodes["lv"].bypass
    qtbot.waitUntil(lambda: not win.worker._rt.graph.nodes["lv"].bypass, timeout=10000)
    assert win.worker.stop(5)


def test_an_lfo_s_centre_and_depth_can_be_typed_and_stepped_in_the_driven_units(make_window,
                                                                                 qtbot):
    """reef's feed LFO: centre 0.037 and depth 0.006 on the feed's 0.005..0.1 span.  The
    entries used the LFO's own -1000..1000 span: two decimals (0.04, 0.01 shown; 0.037
    typed became 0.03) and an arrow step of 1 (the top of the range in one press)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from pathlib import Path

    win = make_window(str(Path(__file__).resolve().parents[2] / "graphs" / "reef.graph"))
    doc = win.doc
    win.canvas.select(["lfo_feed"])
    centre, depth = win.params.rows["center"], win.params.rows["depth"]
    assert centre.spin.text() == "0.03700" and depth.spin.text() == "0.00600"
    edit = centre.spin.lineEdit()
    edit.selectAll()
    QTest.keyClicks(edit, "0.042")
    QTest.keyClick(edit, Qt.Key_Return)
    assert doc.graph.nodes["lfo_feed"].params["center"] == pytest.approx(0.042)
    QTest.keyClick(centre.spin, Qt.Key_Up)  # one press: a hundredth of the span or so
    assert doc.graph.nodes["lfo_feed"].params["center"] == pytest.approx(0.043)
    QTest.keyClick(depth.spin, Qt.Key_Down)
    assert doc.graph.nodes["lfo_feed"].params["depth"] == pytest.approx(0.005)
