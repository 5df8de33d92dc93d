"""Editor behaviour, offscreen: build, refuse, save/reopen, undo, placeholders, preview."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtCore, QtWidgets

from nodes import fileformat, validate
from nodes.graph import Graph, Link, Published

from editor_helpers import lenia_graph


def _new_doc(win, graph=None):
    win.doc.set_graph(graph if graph is not None else lenia_graph())
    return win.doc


def _model(graph) -> dict:
    d = fileformat.to_dict(graph)
    d.pop("ui", None)
    return d


# -- building -----------------------------------------------------------------------

def test_build_graph_by_api_mirrors_into_canvas(make_window):
    win = make_window()
    doc = _new_doc(win, Graph())
    a = doc.add_node("seed.pattern", (0, 0))
    b = doc.add_node("engine.lenia", (250, 0))
    c = doc.add_node("colour.gray", (500, 0))
    d = doc.add_node("out.output", (750, 0))
    for src, sp, dst, dp in ((a, "seed", b, "seed"), (b, "field", c, "field"),
                             (c, "rgb", d, "rgb")):
        assert doc.connect(src, sp, dst, dp) is None
    assert set(doc.graph.nodes) == {a, b, c, d}
    assert len(doc.graph.links) == 3
    # the view mirrors the model: one view node per model node, links as view connections
    assert {win.canvas.view_node(n) is not None for n in (a, b, c, d)} == {True}
    out = win.canvas.view_node(b).get_output("field")
    assert [p.node().id for p in out.connected_ports()] == [win.canvas.view_node(c).id]
    assert win.validation.issues == []  # the graph runs


def _drag(qtbot, canvas, src, sport, dst, dport):
    vp = canvas.viewer.viewport()
    a = canvas.viewer.mapFromScene(canvas.port_scene_pos(src, sport, True))
    b = canvas.viewer.mapFromScene(canvas.port_scene_pos(dst, dport, False))
    qtbot.mousePress(vp, QtCore.Qt.LeftButton, pos=a)
    for t in (0.3, 0.6, 1.0):
        p = QtCore.QPoint(int(a.x() + (b.x() - a.x()) * t), int(a.y() + (b.y() - a.y()) * t))
        ev = QtGui_mouse_move(p)
        QtWidgets.QApplication.sendEvent(vp, ev)
    qtbot.mouseRelease(vp, QtCore.Qt.LeftButton, pos=b)


def QtGui_mouse_move(p):
    from PySide6 import QtGui

    return QtGui.QMouseEvent(QtCore.QEvent.MouseMove, QtCore.QPointF(p), QtCore.QPointF(p),
                             QtCore.Qt.NoButton, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier)


def test_build_graph_by_port_drags_and_refuse_wrong_kind(make_window, qtbot):
    from nodes import Graph

    win = make_window()
    win.resize(1400, 900)
    win.show()
    doc = _new_doc(win, Graph())
    a = doc.add_node("seed.pattern", (0, 0))
    b = doc.add_node("engine.lenia", (260, 0))
    c = doc.add_node("colour.gray", (520, 0))
    win.canvas.frame_all()
    qtbot.wait(20)
    _drag(qtbot, win.canvas, a, "seed", b, "seed")
    _drag(qtbot, win.canvas, b, "field", c, "field")
    assert Link(a, "seed", b, "seed") in doc.graph.links
    assert Link(b, "field", c, "field") in doc.graph.links
    # a wrong-kind drag (rgb -> lenia.flow, a vfield input) is refused with a message
    _drag(qtbot, win.canvas, c, "rgb", b, "flow")
    assert not any(lk.dst_port == "flow" for lk in doc.graph.links)
    assert "refused" in win.statusBar().currentMessage().lower()
    assert "rgb" in win.statusBar().currentMessage()
    ip = win.canvas.view_node(b).get_input("flow")
    assert ip.connected_ports() == []  # the view shows the model, no stray pipe
    assert doc.undo.count() == 5  # 3 adds + 2 links, the refusal added nothing


def test_refuse_wrong_kind_and_cycle_via_document(make_window):
    win = make_window()
    doc = _new_doc(win)
    err = doc.connect("gray", "rgb", "engine", "contain")
    assert err and "rgb" in err and "field" in err
    fb = doc.add_node("math.feedback", (0, 0))
    # engine -> feedback -> engine.contain is legal: feedback is a delay node
    assert doc.connect("engine", "field", fb, "field") is None
    assert doc.connect(fb, "field", "engine", "contain") is None
    # a cycle without a delay node is refused
    doc2 = _new_doc(win)
    doc2.add_node("math.levels", (0, 0), node_id="lv")
    assert doc2.connect("engine", "field", "lv", doc2.graph.nodes["lv"].spec.inputs[0].name) \
        is None
    err = doc2.connect("lv", "field", "engine", "contain")
    assert err and "cycle" in err


# -- files ---------------------------------------------------------------------------------

def test_save_reopen_compare(make_window, tmp_path):
    win = make_window()
    doc = _new_doc(win)
    doc.set_param("engine", "mu", 0.2)
    doc.modulate_with_lfo("engine", "sigma")
    win.params.show_node("engine")
    assert win.params.publish("engine", "mu", "growth", "Growth", 0.1, 0.3) is None
    win.canvas.add_backdrop("Core")
    path = tmp_path / "a.graph"
    assert win.file_save_as(str(path))
    assert not doc.dirty
    before = fileformat.to_dict(doc.graph)
    win2 = make_window(str(path))
    after = fileformat.to_dict(win2.doc.graph)
    assert after == before  # model, published, positions and backdrops
    assert [p.name for p in win2.doc.graph.published] == ["growth"]
    assert win2.canvas._backdrops and len(win2.canvas._view) == len(before["nodes"])
    assert str(path) in win2.recent_files()[0]
    # atomic write left no temporary files behind
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp") == []


def test_undo_redo_round_trips(make_window):
    win = make_window()
    doc = _new_doc(win)
    states = [_model(doc.graph)]
    nid = doc.add_node("signal.lfo", (10, 10))
    states.append(_model(doc.graph))
    doc.connect(nid, "out", "engine", "mu")
    states.append(_model(doc.graph))
    doc.set_param("engine", "sigma", 0.02)
    states.append(_model(doc.graph))
    doc.move_nodes({"engine": [300.0, 40.0]})
    doc.remove_nodes(["gray"])
    states.append(_model(doc.graph))
    assert "gray" not in doc.graph.nodes and not doc.graph.links_into("output")
    for _ in range(2):
        doc.undo.undo()
    assert _model(doc.graph) == states[3]
    assert doc.graph.ui["nodes"]["engine"]["pos"] != [300.0, 40.0]
    while doc.undo.canUndo():
        doc.undo.undo()
    assert _model(doc.graph) == states[0]
    assert win.canvas.view_node(nid) is None
    while doc.undo.canRedo():
        doc.undo.redo()
    assert _model(doc.graph) == states[-1]
    assert doc.graph.ui["nodes"]["engine"]["pos"] == [300.0, 40.0]
    # the view agrees with the model after all that
    assert set(win.canvas._view) == set(doc.graph.nodes)


def test_slider_drag_is_one_undo_step_and_updates_live(make_window, qtbot):
    win = make_window()
    doc = _new_doc(win)
    win.canvas.select(["engine"])
    assert win.params.nid == "engine"
    row = win.params.rows["mu"]
    seen = []
    doc.model_event.connect(lambda e, p: e == "param_changed" and seen.append(p["value"]))
    n0 = doc.undo.count()
    row.slider.sliderPressed.emit()
    for v in (100, 200, 300, 400):
        row.slider.setValue(v)  # applies while dragging (within 20 ms), not on release
        qtbot.waitUntil(lambda v=v: doc.graph.nodes["engine"].params.get("mu")
                        == pytest.approx(row._from_slider(v)), timeout=1000)
    row.slider.sliderReleased.emit()
    assert len(seen) == 4
    assert doc.undo.count() == n0 + 1
    doc.undo.undo()
    assert "mu" not in doc.graph.nodes["engine"].params
    assert row.spin.value() == pytest.approx(doc.graph.nodes["engine"].spec.param("mu").default)
    # exact numeric entry, then double-click resets to the default
    row.spin.setValue(0.25)
    assert doc.graph.nodes["engine"].params["mu"] == pytest.approx(0.25)
    qtbot.mouseDClick(row.label, QtCore.Qt.LeftButton)
    assert doc.graph.nodes["engine"].params["mu"] == pytest.approx(
        doc.graph.nodes["engine"].spec.param("mu").default)


def test_lfo_modulation_in_one_gesture(make_window):
    win = make_window()
    doc = _new_doc(win)
    doc.set_param("engine", "mu", 0.2)
    win.canvas.select(["engine"])
    row = win.params.rows["mu"]
    n0 = doc.undo.count()
    row.mod_btn.click()
    src = doc.modulation_source("engine", "mu")
    assert src is not None and doc.graph.nodes[src.src].type == "signal.lfo"
    p = doc.graph.nodes["engine"].spec.param("mu")
    lfo = doc.graph.nodes[src.src].params
    assert lfo["center"] == pytest.approx(0.2)
    assert lfo["depth"] == pytest.approx(0.1 * (p.max - p.min))
    assert doc.undo.count() == n0 + 1  # one gesture, one undo step
    assert win.canvas.view_node("engine").get_input("mu") is not None  # port appears
    row.set_live(0.2345)
    assert "0.2345" in row.live.text()
    doc.undo.undo()
    assert doc.modulation_source("engine", "mu") is None and src.src not in doc.graph.nodes


def test_modulating_a_published_param_moves_its_slider_to_the_lfo(make_window):
    win = make_window()
    doc = _new_doc(win)
    assert win.params.publish("engine", "mu", "growth") is None
    lid = doc.modulate_with_lfo("engine", "mu")
    (pub,) = doc.graph.published
    assert (pub.name, pub.node, pub.param) == ("growth", lid, "center")
    assert not [i for i in validate(doc.graph) if i.code.value == "bad_published"]
    doc.undo.undo()  # one gesture, one step: the slider is back on the param
    (pub,) = doc.graph.published
    assert (pub.node, pub.param) == ("engine", "mu") and lid not in doc.graph.nodes


def test_placeholder_survives_save(make_window, tmp_path):
    g = lenia_graph()
    doc_dict = fileformat.to_dict(g)
    doc_dict["nodes"].append({"id": "mystery", "type": "future.wobble", "version": 3,
                              "params": {"amount": [1, 2, {"deep": True}], "mode": "x"}})
    doc_dict["links"].append({"src": {"node": "engine", "port": "field"},
                              "dst": {"node": "mystery", "port": "input_a"}})
    doc_dict["links"].append({"src": {"node": "mystery", "port": "out_z"},
                              "dst": {"node": "engine", "port": "contain"}})
    src = tmp_path / "ph.graph"
    src.write_text(json.dumps(doc_dict))
    win = make_window(str(src))
    node = win.canvas.view_node("mystery")
    assert node is not None and "future.wobble" in node.name()
    assert [p.name() for p in node.input_ports()] == ["input_a"]
    assert [p.name() for p in node.output_ports()] == ["out_z"]
    assert any(i.code.value == "unknown_type" for i in win.validation.issues)
    win.doc.set_param("engine", "mu", 0.2)  # edit something else
    out = tmp_path / "ph2.graph"
    assert win.file_save_as(str(out))
    saved = json.loads(out.read_text())
    ph = next(n for n in saved["nodes"] if n["id"] == "mystery")
    assert ph == {"id": "mystery", "type": "future.wobble", "version": 3,
                  "params": {"amount": [1, 2, {"deep": True}], "mode": "x"}}
    links = {(lk["src"]["node"], lk["src"]["port"], lk["dst"]["node"], lk["dst"]["port"])
             for lk in saved["links"]}
    assert ("engine", "field", "mystery", "input_a") in links
    assert ("mystery", "out_z", "engine", "contain") in links
    # deleting and undoing a placeholder keeps it intact too
    win.doc.remove_nodes(["mystery"])
    win.doc.undo.undo()
    assert win.doc.graph.nodes["mystery"].params == ph["params"]


def test_node_from_a_newer_cagraph_survives_save(make_window, tmp_path):
    doc_dict = fileformat.to_dict(lenia_graph())
    engine = next(n for n in doc_dict["nodes"] if n["id"] == "engine")
    engine["version"] = 99
    engine["params"]["future_knob"] = 3
    src = tmp_path / "newer.graph"
    src.write_text(json.dumps(doc_dict))
    win = make_window(str(src))
    assert win.doc.graph.nodes["engine"].spec is None
    assert win.canvas.view_node("engine") is not None
    assert any(i.code.value == "unsupported_version" and i.node_id == "engine"
               for i in win.validation.issues)
    win.doc.set_param("seed", "density", 0.5)  # edit something else
    assert win.file_save_as(str(tmp_path / "out.graph"))
    saved = json.loads((tmp_path / "out.graph").read_text())
    assert next(n for n in saved["nodes"] if n["id"] == "engine") == engine
    assert saved["links"] == doc_dict["links"]


def test_unsaved_prompt_recovery_and_revert(make_window, answers, tmp_path):
    path = tmp_path / "r.graph"
    fileformat.save(lenia_graph(), path)
    win = make_window(str(path))
    win.doc.set_param("engine", "mu", 0.3)
    assert win.doc.dirty and win.windowTitle().startswith("•")
    answers.save_changes = "cancel"
    assert not win.file_open(str(path))  # cancelled: still the edited document
    assert win.doc.graph.nodes["engine"].params["mu"] == 0.3
    rec = win.write_recovery()
    assert rec is not None and rec.exists()
    # "crash": a new window for the same file finds the recovery copy and restores it
    answers.restore = True
    win2 = make_window(str(path))
    assert "restore" in answers.asked
    assert win2.doc.graph.nodes["engine"].params["mu"] == 0.3 and win2.doc.dirty
    # revert asks, and a "no" keeps the edits
    answers.revert = False
    win2.file_revert()
    assert answers.asked[-1] == "revert" and win2.doc.graph.nodes["engine"].params["mu"] == 0.3
    # revert drops the edits
    answers.revert = True
    win2.file_revert()
    assert "mu" not in win2.doc.graph.nodes["engine"].params and not win2.doc.dirty
    assert not rec.exists()


def test_recovery_is_offered_when_opening_a_file_from_the_menu(make_window, answers, tmp_path):
    path = tmp_path / "crashed.graph"
    fileformat.save(lenia_graph(), path)
    win = make_window(str(path))
    win.doc.set_param("engine", "mu", 0.31)
    win.write_recovery()  # then the editor "crashes"; a new one starts on another file
    other = tmp_path / "other.graph"
    fileformat.save(lenia_graph(), other)
    answers.asked.clear()
    win2 = make_window(str(other))
    assert answers.asked == []
    assert win2.file_open(str(path))  # Open… / Open Recent
    assert answers.asked == ["restore"]
    assert win2.doc.graph.nodes["engine"].params["mu"] == 0.31 and win2.doc.dirty


def test_an_unreadable_recovery_copy_is_set_aside(make_window, answers, tmp_path):
    from graph_app.editor import recovery

    path = tmp_path / "r.graph"
    fileformat.save(lenia_graph(), path)
    rec = recovery.write(str(path), '{"format": "cagraph", "format_vers')  # cut short
    win = make_window(str(path))  # starts, offers the copy, cannot read it
    assert "restore" in answers.asked and not win.doc.dirty
    assert not rec.exists()
    (kept,) = rec.parent.glob("*unreadable*")
    assert kept.read_text().startswith('{"format"')
    assert "cannot be read" in win.statusBar().currentMessage()
    answers.asked.clear()
    make_window(str(path))
    assert answers.asked == []  # not offered again


def test_publish_panel_reorder_rename(make_window):
    win = make_window()
    doc = _new_doc(win)
    assert win.params.publish("engine", "mu", "growth") is None
    assert win.params.publish("engine", "sigma", "width") is None
    assert win.params.publish("seed", "density", "density", order=0) is None
    assert [p.name for p in doc.graph.published] == ["density", "growth", "width"]
    t = win.published.table
    assert t.rowCount() == 3
    t.setCurrentCell(2, 0)
    win.published.move(-1)
    assert [p.name for p in doc.graph.published] == ["density", "width", "growth"]
    t.item(0, 0).setText("seed_density")
    assert doc.graph.published[0].name == "seed_density"
    t.item(0, 0).setText("Bad Name")  # refused
    assert doc.graph.published[0].name == "seed_density"
    assert [p.order for p in doc.graph.published] == [0, 1, 2]
    doc.undo.undo()
    doc.undo.undo()
    assert [p.name for p in doc.graph.published] == ["density", "growth", "width"]


def test_validation_click_selects_node(make_window):
    win = make_window()
    doc = _new_doc(win)
    doc.disconnect([Link("gray", "rgb", "output", "rgb")])
    win.validation.refresh()
    items = [win.validation.list.item(i) for i in range(win.validation.list.count())]
    miss = next(it for it in items if it.data(QtCore.Qt.UserRole) == "output")
    win.validation._clicked(miss)
    assert win.canvas.selected_ids() == ["output"]
    assert win.params.nid == "output"


def test_copy_paste_duplicate_delete_layout(make_window):
    win = make_window()
    doc = _new_doc(win)
    win.canvas.select(["engine", "gray"])
    win.duplicate()
    assert len(doc.graph.nodes) == 6
    new = [n for n in doc.graph.nodes if n not in ("seed", "engine", "gray", "output")]
    assert any(lk.src in new and lk.dst in new for lk in doc.graph.links)  # internal link kept
    win.canvas.select(new)
    win.delete_selected()
    assert len(doc.graph.nodes) == 4
    win.canvas.select(["seed"])
    win.copy()
    win.paste()
    assert len(doc.graph.nodes) == 5
    win.canvas.select_all()
    assert set(win.canvas.selected_ids()) == set(doc.graph.nodes)
    win.canvas.auto_layout()
    xs = {n: doc.graph.ui["nodes"][n]["pos"][0] for n in ("seed", "engine", "gray", "output")}
    assert xs["seed"] < xs["engine"] < xs["gray"] < xs["output"]


def test_delete_or_layout_with_nothing_to_do_leaves_the_file_saved(make_window, tmp_path):
    path = tmp_path / "clean.graph"
    fileformat.save(lenia_graph(), path)
    win = make_window(str(path))
    win.canvas.auto_layout()
    win.file_save()
    assert not win.doc.dirty
    win.canvas.select([])
    win.delete_selected()
    win.canvas.auto_layout()  # already laid out
    assert not win.doc.dirty and win.doc.undo.count() == 0


def test_duplicate_keeps_values_this_build_rejects_and_is_one_clean_step(make_window, tmp_path):
    d = fileformat.to_dict(lenia_graph())
    eng = next(n for n in d["nodes"] if n["id"] == "engine")
    eng["params"] = {"mu": 99, "sigma": 0.02}  # mu is out of range (hand edit)
    path = tmp_path / "stale.graph"
    path.write_text(json.dumps(d))
    win = make_window(str(path))
    win.canvas.select(["seed", "engine"])
    win.duplicate()
    assert set(win.doc.graph.nodes) == {"seed", "engine", "gray", "output", "seed2", "engine2"}
    assert win.doc.graph.nodes["engine2"].params == {"mu": 99, "sigma": 0.02}
    assert Link("seed2", "seed", "engine2", "seed") in win.doc.graph.links
    assert any(i.node_id == "engine2" and i.param == "mu" for i in validate(win.doc.graph))
    win.doc.undo.undo()
    assert set(win.doc.graph.nodes) == {"seed", "engine", "gray", "output"}
    win.doc.undo.redo()
    assert win.doc.graph.nodes["engine2"].params == {"mu": 99, "sigma": 0.02}


def test_paste_leaves_out_what_cannot_be_taken(make_window):
    win = make_window()
    doc = _new_doc(win)
    clip = {"cagraph_clip": 1,
            "nodes": [{"id": "a", "type": "seed.pattern", "version": 1, "params": {},
                       "ui": {"pos": "left"}},
                      {"id": "b", "type": "engine.lenia", "version": 1, "params": {}},
                      {"type": "engine.lenia"}, "junk"],
            "links": [["a", "seed", "b", "seed"], ["a", "seed", "b", "no_port"], ["x"]]}
    ids = doc.paste_records(clip)
    assert ids == ["a", "b"] and doc.last_paste_skipped == 4
    assert doc.graph.links[-1] == Link("a", "seed", "b", "seed")
    assert doc.graph.ui["nodes"]["a"]["pos"] == [40.0, 40.0]


def test_a_saved_value_of_the_wrong_type_shows_in_the_panel(make_window, tmp_path):
    d = fileformat.to_dict(lenia_graph())
    next(n for n in d["nodes"] if n["id"] == "engine")["params"]["mu"] = "0.2"
    path = tmp_path / "typo.graph"
    path.write_text(json.dumps(d))
    win = make_window(str(path))
    win.params.show_node("engine")
    row = win.params.rows["mu"]
    assert set(win.params.rows) >= {"mu", "sigma", "R"}  # the panel is built
    assert "not valid" in row.label.toolTip() and row.spin.value() == pytest.approx(
        row.p.default)
    win.params.edit("engine", "mu", 0.2, None)
    assert win.doc.graph.nodes["engine"].params["mu"] == 0.2
    assert "not valid" not in win.params.rows["mu"].label.toolTip()


def test_broken_layout_entries_are_repaired_on_open(make_window, tmp_path):
    d = fileformat.to_dict(lenia_graph())
    d["ui"] = {"nodes": {"seed": {"pos": [5]}, "engine": "here", "gray": {"pos": [1, 2]}},
               "backdrops": [{"title": 7, "size": [-1, 2]}, "x", {"id": "b", "pos": [0, 0]}],
               "theirs": {"kept": True}}
    path = tmp_path / "ui.graph"
    path.write_text(json.dumps(d))
    win = make_window(str(path))
    assert all(win.canvas.view_node(n) is not None for n in ("seed", "engine", "gray", "output"))
    ui = win.doc.graph.ui
    assert ui["nodes"]["gray"]["pos"] == [1, 2] and "pos" not in ui["nodes"]["seed"]
    assert "engine" not in ui["nodes"] and ui["theirs"] == {"kept": True}
    assert [b["id"] for b in ui["backdrops"]] == ["backdrop1", "b"]
    assert ui["backdrops"][0]["title"] == "7" and ui["backdrops"][0]["size"] == [400.0, 300.0]
    assert len(win.canvas._backdrops) == 2
    assert "Repaired" in win.statusBar().currentMessage()


def test_renaming_on_the_canvas_keeps_model_and_view_alike(make_window, qtbot):
    win = make_window()
    doc = _new_doc(win)
    cv = win.canvas
    eng = cv.view_node("engine")
    cv.viewer.node_name_changed.emit(eng.id, cv.view_node("gray").name())  # a taken name
    qtbot.wait(20)
    title = doc.graph.nodes["engine"].title
    assert title and title != cv.view_node("gray").name() and eng.name() == title
    cv.viewer.node_name_changed.emit(eng.id, "   ")  # blank: back to the type's title
    qtbot.wait(20)
    assert doc.graph.nodes["engine"].title is None
    assert eng.name() == eng.view.name == "Lenia"


def test_published_min_above_max_is_refused(make_window):
    win = make_window()
    doc = _new_doc(win)
    assert win.params.publish("engine", "mu", "growth") is None
    before = [vars(p).copy() for p in doc.graph.published]
    pubs = [Published(**{**vars(p), "min": 0.4, "max": 0.1}) for p in doc.graph.published]
    err = doc.set_published(pubs)
    assert err and "above max" in err
    assert [vars(p) for p in doc.graph.published] == before


def test_a_link_into_a_port_the_type_lacks_is_shown_and_can_be_removed(make_window, tmp_path):
    d = fileformat.to_dict(lenia_graph())
    d["links"].append({"src": {"node": "seed", "port": "seed"},
                       "dst": {"node": "engine", "port": "mu_old"}})
    path = tmp_path / "dangling.graph"
    path.write_text(json.dumps(d))
    win = make_window(str(path))
    assert "mu_old" in [p.name() for p in win.canvas.view_node("engine").input_ports()]
    bad = Link("seed", "seed", "engine", "mu_old")
    win.doc.disconnect([bad])
    assert bad not in win.doc.graph.links
    assert not [i for i in validate(win.doc.graph) if i.severity.value == "error"]


# -- preview -----------------------------------------------------------------------------

def test_preview_thread_delivers_frames_and_stops(make_window, qtbot):
    win = make_window(preview=False, size=64)
    _new_doc(win)
    win.worker.start(win.doc.graph)
    qtbot.waitUntil(lambda: win.preview.frames_shown >= 3, timeout=20000)
    img = win.preview.last_rgb8
    assert img.shape == (64, 64, 3) and img.dtype == np.uint8
    # a param change reaches the worker; probing an intermediate output shows it
    win.doc.set_param("engine", "mu", 0.2)
    win.preview_port("engine", "field")
    qtbot.waitUntil(lambda: "engine.field" in win.preview.last_info.get("label", ""),
                    timeout=10000)
    # structural edit: the worker recompiles from a copy and keeps running
    n = win.preview.frames_shown
    fb = win.doc.add_node("math.feedback", (0, 0))
    qtbot.waitUntil(lambda: win.preview.frames_shown > n + 2, timeout=10000)
    assert fb not in win.worker._rt.nodes  # it feeds nothing the Output shows: not run
    # pause then single-step delivers exactly one more frame
    win.preview.play_btn.setChecked(False)
    qtbot.wait(300)
    f0 = win.worker.frames_delivered
    win.preview.single_step()
    qtbot.waitUntil(lambda: win.worker.frames_delivered == f0 + 1, timeout=5000)
    qtbot.wait(200)
    assert win.worker.frames_delivered == f0 + 1
    # a probe belongs to its document: opening another one shows the output again
    win.preview_port("engine", "field")
    win.doc.set_graph(lenia_graph())
    assert win.preview.probe is None
    qtbot.waitUntil(lambda: win.preview.last_info.get("label") == "output", timeout=10000)
    t = time.perf_counter()
    assert win.worker.stop(5)
    assert time.perf_counter() - t < 5 and not win.worker.running


def test_preview_shows_the_krea_frame_with_the_output_fit(make_window, qtbot):
    win = make_window(preview=False, size=64)
    _new_doc(win)
    win.worker.start(win.doc.graph)
    qtbot.waitUntil(lambda: win.preview.frames_shown >= 1, timeout=20000)
    assert win.preview.last_rgb8.shape == (64, 64, 3)
    box = win.preview.frame_box
    box.setCurrentIndex(box.findText("576×320"))
    qtbot.waitUntil(lambda: win.preview.last_rgb8.shape == (320, 576, 3), timeout=20000)
    hud = win.preview.view.hud
    n = win.preview.last_info["frame"]
    assert isinstance(n, int) and f"frame {n} " in hud and "→ 576×320" in hud
    # the Output node's default fit (contain): the square sim between black bars
    qtbot.waitUntil(lambda: win.preview.last_rgb8[:, 128:448].max() > 0, timeout=10000)
    img = win.preview.last_rgb8
    assert img[:, :127].max() == 0 and img[:, 449:].max() == 0
    # stretch (an edit of the Output node) fills the frame; a flooding rule (empty cells
    # grow) fills the grid, so that the frame's edges show wherever the organism was
    win.doc.set_param("engine", "mu", 0.05)
    win.doc.set_param("engine", "sigma", 0.05)
    win.doc.set_param("output", "fit", "stretch")
    qtbot.waitUntil(lambda: win.preview.last_rgb8[:, :120].max() > 0, timeout=10000)
    box.setCurrentIndex(box.findText("square"))
    qtbot.waitUntil(lambda: win.preview.last_rgb8.shape == (64, 64, 3), timeout=20000)
    assert win.worker.stop(5)


def test_vfield_and_field_images():
    from graph_app.editor.preview import field_to_rgb8, vfield_to_rgb8

    v = np.zeros((2, 8, 8), np.float32)
    v[1] = 1.0  # pointing +x
    a = vfield_to_rgb8(v)
    v[1] = -1.0  # pointing -x: a different colour
    b = vfield_to_rgb8(v)
    assert a.shape == (8, 8, 3) and not np.array_equal(a[0, 0], b[0, 0])
    f = field_to_rgb8(np.linspace(0, 1, 64, dtype=np.float32).reshape(8, 8))
    assert f[0, 0, 0] == 0 and f[-1, -1, 0] == 255


def test_capture_png_and_mp4(make_window, qtbot, tmp_path):
    import av

    win = make_window(size=64)
    _new_doc(win)
    win.worker.start(win.doc.graph)
    qtbot.waitUntil(lambda: win.preview.last_rgb8 is not None, timeout=20000)
    png = win.snapshot(str(tmp_path / "s.png"))
    from PIL import Image

    assert Image.open(png).size == (64, 64)
    rec = win.record(0.2, str(tmp_path / "r.mp4"))
    assert rec.wait(30) and rec.error is None
    with av.open(str(tmp_path / "r.mp4")) as c:
        n = sum(1 for _ in c.decode(video=0))
    assert n == rec.frames == 6


def test_capture_failures_and_a_frame_change_mid_take(make_window, qtbot, tmp_path):
    import av

    win = make_window(size=64)
    _new_doc(win)
    win.worker.start(win.doc.graph)
    qtbot.waitUntil(lambda: win.preview.last_rgb8 is not None, timeout=20000)
    (tmp_path / "afile").write_text("x")
    assert win.snapshot(str(tmp_path / "afile" / "s.png")) is None  # no exception
    assert "Snapshot failed" in win.statusBar().currentMessage()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]  # no stray temp file
    rec = win.record(1.0, str(tmp_path / "r.mp4"))
    assert win.record(1.0, str(tmp_path / "r2.mp4")) is None  # one take at a time
    assert "Already recording" in win.statusBar().currentMessage()
    qtbot.waitUntil(lambda: rec.received >= 5, timeout=20000)
    win.preview.frame_box.setCurrentIndex(1)  # 576x320 mid-take: letterboxed into 64x64
    assert rec.wait(60) and rec.error is None
    with av.open(str(tmp_path / "r.mp4")) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    assert len(frames) == rec.frames and frames[-1].shape == (64, 64, 3)
    assert frames[-1].max() > 50  # the picture (a corner crop was the black side bar)
    win.doc.remove_nodes(["output"])
    assert win.record(0.2, str(tmp_path / "r3.mp4")) is None
    assert "no Output node" in win.statusBar().currentMessage()


def test_scope_link_knows_the_fields_of_the_running_session(make_window, qtbot):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scope_export"))
    from fake_server import FakeScope

    win = make_window(str(Path(__file__).resolve().parents[2] / "graphs" / "amoeba.graph"))
    pid = "cagraph-amoeba"
    props = {p.name: {"type": "number", "ui": {"category": "input"}}
             for p in win.doc.graph.published}
    msgs = []
    win.scope.status.connect(lambda text, err: msgs.append((text, err)))
    with FakeScope(installed={pid: {"id": pid, "config_schema": {"properties": props}}}) as fake:
        win.scope_link_dialog(fake.url)
        qtbot.waitUntil(lambda: len(fake.params) == 1, timeout=10000)
        # published after the launch: the session has no such field, so nothing is sent
        assert win.params.publish("engine", "warmup", "warm") is None
        win.doc.set_param("engine", "warmup", 77)
        qtbot.wait(400)
        assert len(fake.params) == 1
        assert any(err and "warm is not a field" in t and "Launch on Scope again" in t
                   for t, err in msgs)
    # the server goes away mid-session: the next edit says so and closes the link
    sp = next(p for p in win.doc.graph.published if p.name == "speed")
    win.doc.set_param(sp.node, sp.param, 0.9)
    qtbot.waitUntil(lambda: not win.scope.connected, timeout=20000)
    assert any(err and "not answering" in t and "link closed" in t for t, err in msgs)
    assert win.scope_label.text() == ""


def test_main_window_screenshot_not_blank(make_window, qtbot, tmp_path):
    win = make_window(preview=True, size=64)
    win.resize(1400, 860)
    win.show()
    qtbot.waitUntil(lambda: win.preview.frames_shown >= 2, timeout=20000)
    win.canvas.select(["engine"] if "engine" in win.doc.graph.nodes else [])
    qtbot.wait(100)
    path = tmp_path / "editor.png"
    assert win.grab().save(str(path))
    from PIL import Image

    a = np.asarray(Image.open(path).convert("RGB"), np.float32)
    assert a.shape[0] > 500 and a.shape[1] > 1000
    assert a.std() > 10  # not blank
    assert a.mean() < 90  # dark theme


def test_scope_link_sends_published_edits_to_the_session(make_window, qtbot):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scope_export"))
    from fake_server import FakeScope

    graph = Path(__file__).resolve().parents[2] / "graphs" / "amoeba.graph"
    win = make_window(str(graph))
    pid = "cagraph-amoeba"
    pub = {p.name: p for p in win.doc.graph.published}
    with FakeScope() as fake:  # no cagraph pipeline there yet: refused, with the fix
        msgs = []
        win.scope.status.connect(lambda text, err: msgs.append((text, err)))
        win.scope_link_dialog(fake.url)
        qtbot.waitUntil(lambda: any(err for _, err in msgs), timeout=10000)
        text = [t for t, err in msgs if err][-1]
        assert f"no {pid} pipeline" in text and "cagraph scope launch" in text
        assert not win.scope.connected and fake.params == []
    with FakeScope(installed={pid: {"id": pid, "config_schema": {"properties": {}}}}) as fake:
        win.scope_link_dialog(fake.url)
        qtbot.waitUntil(lambda: win.scope.connected, timeout=10000)
        assert pid in win.scope_label.text()
        # linking pushes every published value, so the session matches the editor
        qtbot.waitUntil(lambda: len(fake.params) == 1, timeout=10000)
        first = fake.params[0]
        assert first["node_id"] == pid and set(first) == {"node_id", *pub}
        # a published edit (a burst of slider moves) goes out coalesced, the last value wins
        sp = pub["speed"]
        for v in (1.1, 1.2, 1.3):
            win.doc.set_param(sp.node, sp.param, v)
        qtbot.waitUntil(lambda: len(fake.params) >= 2, timeout=10000)
        qtbot.wait(300)
        assert fake.params[1:] == [{"node_id": pid, "speed": 1.3}]
        # an unpublished parameter has no field in Scope: nothing is sent
        assert win.doc.set_param("engine", "warmup", 120) is None
        assert not any(p.node == "engine" and p.param == "warmup" for p in pub.values())
        qtbot.wait(400)
        assert len(fake.params) == 2
        # unlinked: edits stay local
        win.scope.disconnect()
        assert not win.scope.connected and win.scope_label.text() == ""
        win.doc.set_param(sp.node, sp.param, 0.7)
        qtbot.wait(400)
        assert len(fake.params) == 2
    # a server that went away turns into a status message, not a hang
    win.scope_link_dialog("http://127.0.0.1:9")
    qtbot.waitUntil(lambda: any(err and "127.0.0.1:9" in t for t, err in msgs), timeout=20000)
    assert not win.scope.connected


def test_scope_launch_from_the_editor_then_edits_follow(make_window, qtbot, tmp_path):
    import json
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scope_export"))
    from fake_server import KREA, FakeScope
    from lora_files import lora_14b

    graph = Path(__file__).resolve().parents[2] / "graphs" / "amoeba.graph"
    win = make_window(str(graph))
    win.scope.plugins_dir = tmp_path
    pid = "cagraph-amoeba"
    pub = {p.name: p for p in win.doc.graph.published}
    sp = pub["speed"]
    win.doc.set_param(sp.node, sp.param, 1.4)  # unsaved: the launch exports it as it is now
    lora = lora_14b(tmp_path / "ink.safetensors")
    msgs = []
    win.scope.status.connect(lambda text, err: msgs.append((text, err)))
    with FakeScope() as fake:
        out = (tmp_path / "scope-plugins" / "amoeba").resolve()
        fake.installable[str(out)] = {pid: {"id": pid, "config_schema": {"properties": {}}}}
        win.scope_launch_dialog(fake.url, [f"{lora}:0.8"], merge_mode="runtime_peft")
        qtbot.waitUntil(lambda: win.scope.connected or any(e for _, e in msgs), timeout=60000)
        assert win.scope.connected, msgs
        assert not win.scope.busy and pid in win.scope_label.text()
        # the same flow as `cagraph scope launch`: installed, loaded with the LoRA, started
        assert ("POST", "/api/v1/plugins") in [(m, p) for m, p, _ in fake.requests]
        pipes = fake.loaded["pipelines"]
        assert [p["pipeline_id"] for p in pipes] == [pid, KREA]
        lp = pipes[1]["load_params"]
        assert lp["loras"] == [{"path": str(lora.resolve()), "scale": 0.8,
                                "merge_mode": "runtime_peft"}]
        assert fake.session["pipeline_id"] == KREA
        assert any("installing" in t for t, _ in msgs) and any("loading" in t for t, _ in msgs)
        exported = json.loads((out / "scope_cagraph_amoeba" / "graph.graph").read_text())
        node = next(n for n in exported["nodes"] if n["id"] == sp.node)
        assert node["params"][sp.param] == 1.4
        # linked: the current published values are pushed, later edits follow
        qtbot.waitUntil(lambda: len(fake.params) >= 1, timeout=10000)
        assert fake.params[0]["node_id"] == pid and fake.params[0]["speed"] == 1.4
        win.doc.set_param(sp.node, sp.param, 2.0)
        qtbot.waitUntil(lambda: fake.params[-1] == {"node_id": pid, "speed": 2.0},
                        timeout=10000)
        # an unpublished edit says why it does not reach the session
        win.doc.set_param("engine", "warmup", 100)
        assert "not published" in msgs[-1][0]
        # another graph in the editor (New/Open) is not that session: the link closes
        n = len(fake.params)
        _new_doc(win)
        assert not win.scope.connected and win.scope_label.text() == ""
        win.doc.set_param("engine", "mu", 0.2)
        qtbot.wait(300)
        assert len(fake.params) == n


def test_framing_a_wide_graph_keeps_node_labels_readable(make_window, qtbot):
    from graph_app.editor.adapter import MIN_NODE_SCREEN_PX

    win = make_window(str(Path(__file__).resolve().parents[2] / "graphs" / "amoeba.graph"))
    win.resize(900, 600)
    win.show()
    qtbot.waitExposed(win)
    win.canvas.frame_all()
    v = win.canvas.viewer
    widths = sorted(n.view.width for n in win.canvas._view.values())
    on_screen = widths[len(widths) // 2] * v.transform().m11()
    assert on_screen >= 72 and MIN_NODE_SCREEN_PX > 72  # NodeGraphQt blanks them under 70 px


def test_keys_reach_the_graph_from_the_canvas_only(make_window, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    win = make_window()
    doc = _new_doc(win)
    win.resize(1200, 800)
    win.show()
    win.activateWindow()  # shortcuts go to the active window
    qtbot.waitExposed(win)
    qtbot.wait(200)
    vp = win.canvas.viewer
    win.canvas.select(["gray"])
    # Ctrl+D then Ctrl+Z on the canvas: duplicated, then undone (NodeGraphQt's own
    # Ctrl+Z no longer makes the shortcut ambiguous after a selection)
    vp.setFocus()
    QTest.keyClick(vp, Qt.Key_D, Qt.ControlModifier)
    assert len(doc.graph.nodes) == 5
    win.canvas.select(["gray"])
    QTest.keyClick(vp, Qt.Key_Z, Qt.ControlModifier)
    assert len(doc.graph.nodes) == 4
    # typing in the params panel: Delete, Space and Ctrl+D edit the text, not the graph
    win.canvas.select(["engine"])
    win.params.show_node("engine")
    field = win.params.rows["peaks"].findChild(QtWidgets.QLineEdit)
    field.setFocus()
    playing = win.preview.play_btn.isChecked()
    for key, mod in ((Qt.Key_Delete, Qt.NoModifier), (Qt.Key_Space, Qt.NoModifier),
                     (Qt.Key_D, Qt.ControlModifier)):
        QTest.keyClick(field, key, mod)
    assert set(doc.graph.nodes) == {"seed", "engine", "gray", "output"}
    assert win.preview.play_btn.isChecked() == playing
    # and on the canvas, Delete deletes
    vp.setFocus()
    QTest.keyClick(vp, Qt.Key_Delete)
    assert "engine" not in doc.graph.nodes


def _view_links(win) -> set:
    cv = win.canvas
    out = set()
    for nid, node in cv._view.items():
        for ip in node.input_ports():
            for op in ip.connected_ports():
                out.add(Link(cv._mid[op.node().id], op.name(), nid, ip.name()))
    return out


def test_pipes_follow_links_one_by_one_through_paste_and_undo(make_window):
    """The canvas adds and removes one pipe per model link (no full re-sync per link,
    which made a 288-node paste take seconds), including param ports that appear and
    disappear with their LFO links."""
    win = make_window()
    doc = _new_doc(win)
    doc.modulate_with_lfo("engine", "mu")
    win.canvas.select(list(doc.graph.nodes))
    for _ in range(3):
        win.duplicate()
        win.canvas.select(list(doc.graph.nodes))
        assert _view_links(win) == set(doc.graph.links)
    n = len(doc.graph.links)
    while doc.undo.canUndo():
        doc.undo.undo()
        assert _view_links(win) == set(doc.graph.links)
    while doc.undo.canRedo():
        doc.undo.redo()
        assert _view_links(win) == set(doc.graph.links)
    assert len(doc.graph.links) == n


def test_the_screenshot_command_takes_the_graph_it_is_given(tmp_path):
    # python -m graph_app.editor.screenshot --graph FILE: the window shows that graph
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    out = tmp_path / "editor.png"  # no --out: the folder it runs in, never the repo's docs/
    docs_png = (root / "docs" / "editor.png").read_bytes()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(root) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    r = subprocess.run([sys.executable, "-m", "graph_app.editor.screenshot", "--size", "1280x720",
                        "--graph", str(root / "graphs" / "medusa.graph"), "--seconds", "0.2",
                        "--preview-size", "64"],
                       capture_output=True, text=True, timeout=300, cwd=str(tmp_path), env=env)
    assert r.returncode == 0, r.stderr
    assert (root / "docs" / "editor.png").read_bytes() == docs_png
    assert "512²" in r.stdout, r.stdout  # medusa's Gray-Scott: the 64 preview runs 512
    from PIL import Image

    with Image.open(out) as im:
        assert im.size == (1280, 720)
