"""Bad .graph files: each gives its error code and names file, node, param/port
(issue 2, "Tests" 5)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nodes
from nodes import Code, GraphError, Runtime
from nodes.registry import SpecError, check_spec
from nodes.spec import E, F, Kind, Node, Param, ParamType, Port


def base_doc() -> dict:
    return {
        "format": "cagraph", "format_version": 3,
        "meta": {"name": "t", "size": 64},
        "nodes": [
            {"id": "engine", "type": "engine.lenia", "version": 1, "params": {"mu": 0.15}},
            {"id": "gray", "type": "colour.gray", "version": 1, "params": {}},
            {"id": "out", "type": "out.output", "version": 1, "params": {}},
        ],
        "links": [link("engine", "field", "gray", "field"), link("gray", "rgb", "out", "rgb")],
        "published": [],
    }


def link(a, ap, b, bp):
    return {"src": {"node": a, "port": ap}, "dst": {"node": b, "port": bp}}


def node(doc, nid):
    return next(n for n in doc["nodes"] if n["id"] == nid)


@pytest.fixture
def bad(tmp_path):
    """Write ``doc`` (a dict or raw text) to a file, load it, return the GraphError."""

    def load_bad(doc, name="bad.graph") -> tuple[GraphError, str]:
        p = tmp_path / name
        p.write_text(doc if isinstance(doc, str) else json.dumps(doc))
        with pytest.raises(GraphError) as ei:
            nodes.load(p)
        err = ei.value
        assert err.issues
        for issue in err.issues:
            assert issue.file == str(p)  # every issue names the file
        assert str(p) in str(err)
        return err, str(p)

    return load_bad


def one(err: GraphError, code: Code):
    found = [i for i in err.issues if i.code is code]
    assert found, f"expected {code} in {[i.code for i in err.issues]}: {err}"
    return found[0]


def test_base_doc_is_valid():
    g = nodes.loads(json.dumps(base_doc()))
    assert Runtime(g, backend="numpy", size=32).step().shape == (32, 32, 3)


def test_malformed_json(bad):
    err, _ = bad('{\n  "format": "cagraph",\n  "nodes": [1, 2,, 3]\n}')
    i = one(err, Code.MALFORMED_JSON)
    assert "line 3 column" in i.message


def test_not_utf8(tmp_path):
    p = tmp_path / "latin.graph"
    p.write_bytes(b'{"format": "cagraph", "x": "\xff\xfe"}')
    with pytest.raises(GraphError) as ei:
        nodes.load(p)
    assert ei.value.codes == {Code.MALFORMED_JSON} and ei.value.issues[0].file == str(p)


def test_missing_file(tmp_path):
    p = tmp_path / "nope.graph"
    with pytest.raises(GraphError) as ei:
        nodes.load(p)
    assert ei.value.codes == {Code.IO} and ei.value.issues[0].file == str(p)


@pytest.mark.parametrize("text", ['[1, 2]', '"cagraph"', "3", "null"])
def test_not_an_object(bad, text):
    err, _ = bad(text)
    assert "object" in one(err, Code.SCHEMA).message


@pytest.mark.parametrize("fmt", ["other", None, 2])
def test_wrong_format(bad, fmt):
    doc = base_doc()
    if fmt is None:
        del doc["format"]
    else:
        doc["format"] = fmt
    err, _ = bad(doc)
    assert "not a cagraph file" in one(err, Code.SCHEMA).message


def test_future_format_version(bad):
    doc = base_doc()
    doc["format_version"] = 99
    err, _ = bad(doc)
    assert "99" in one(err, Code.UNSUPPORTED_VERSION).message


@pytest.mark.parametrize("v", ["2", 2.0, True, None, 0, -1])
def test_bad_format_version(bad, v):
    doc = base_doc()
    doc["format_version"] = v
    err, _ = bad(doc)
    assert err.codes <= {Code.SCHEMA, Code.UNSUPPORTED_VERSION}


def test_unknown_node_type(bad):
    doc = base_doc()
    node(doc, "engine")["type"] = "engine.nope"
    err, _ = bad(doc)
    i = one(err, Code.UNKNOWN_TYPE)
    assert (i.node_id, i.node_type) == ("engine", "engine.nope")
    assert "node 'engine' (engine.nope)" in str(err)


def test_unknown_param(bad):
    doc = base_doc()
    node(doc, "engine")["params"]["bogus"] = 1
    err, _ = bad(doc)
    i = one(err, Code.UNKNOWN_PARAM)
    assert (i.node_id, i.node_type, i.param) == ("engine", "engine.lenia", "bogus")
    assert "param 'bogus'" in str(err)


@pytest.mark.parametrize("param,value,words", [
    ("mu", 5.0, "above the maximum"), ("mu", -1, "below the minimum"),
    ("R", 1e9, "above the maximum"), ("peaks", [0.5, 2.0], "above the maximum"),
    ("peaks", [], "items"),
])
def test_out_of_range_param(bad, param, value, words):
    doc = base_doc()
    node(doc, "engine")["params"][param] = value
    err, _ = bad(doc)
    i = one(err, Code.BAD_PARAM)
    assert (i.node_id, i.node_type, i.param) == ("engine", "engine.lenia", param)
    assert words in i.message


@pytest.mark.parametrize("nid,param,value", [
    ("engine", "mu", "high"), ("engine", "mu", True), ("engine", "mu", None),
    ("engine", "mu", [0.1]), ("engine", "mu", {"v": 1}), ("engine", "peaks", 0.5),
    ("engine", "peaks", ["a"]), ("gray", "gain", "NaN"),
])
def test_wrong_param_type(bad, nid, param, value):
    doc = base_doc()
    node(doc, nid)["params"][param] = value
    err, _ = bad(doc)
    i = one(err, Code.BAD_PARAM)
    assert (i.node_id, i.param) == (nid, param)
    assert i.node_type == node(doc, nid)["type"]


def test_non_finite_and_huge_numbers(bad):
    doc = base_doc()
    text = json.dumps(doc).replace('"mu": 0.15', '"mu": NaN')
    err, _ = bad(text)
    assert one(err, Code.BAD_PARAM).param == "mu"
    text = json.dumps(doc).replace('"mu": 0.15', '"mu": ' + "9" * 400)
    err, _ = bad(text)
    assert one(err, Code.BAD_PARAM).param == "mu"


def test_wrong_enum_and_int(bad):
    doc = base_doc()
    doc["nodes"].append({"id": "seed", "type": "seed.pattern", "params": {"pattern": "square",
                                                                          "count": 2.5}})
    doc["links"].append(link("seed", "seed", "engine", "seed"))
    err, _ = bad(doc)
    got = {i.param for i in err.issues if i.code is Code.BAD_PARAM and i.node_id == "seed"}
    assert got == {"pattern", "count"}


def test_wrong_port_kind_link(bad):
    doc = base_doc()
    doc["links"][1] = link("engine", "field", "out", "rgb")  # a field into an rgb input
    err, _ = bad(doc)
    i = one(err, Code.KIND_MISMATCH)
    assert (i.node_id, i.node_type, i.port) == ("out", "out.output", "rgb")
    assert "field" in i.message and "rgb" in i.message


def test_link_into_structural_param_is_refused(bad):
    doc = base_doc()
    doc["nodes"].append({"id": "k", "type": "signal.constant", "params": {"value": 20}})
    doc["links"].append(link("k", "out", "engine", "R"))  # R is structural: not a port
    err, _ = bad(doc)
    i = one(err, Code.UNKNOWN_PORT)
    assert (i.node_id, i.port) == ("engine", "R")


@pytest.mark.parametrize("side", ["src", "dst"])
def test_unknown_port(bad, side):
    doc = base_doc()
    doc["links"][0][side]["port"] = "nope"
    err, _ = bad(doc)
    i = one(err, Code.UNKNOWN_PORT)
    expect = ("engine", "engine.lenia") if side == "src" else ("gray", "colour.gray")
    assert (i.node_id, i.node_type, i.port) == (*expect, "nope")


def test_link_to_missing_node(bad):
    doc = base_doc()
    doc["links"][0]["src"]["node"] = "ghost"
    err, _ = bad(doc)
    assert one(err, Code.UNKNOWN_NODE).node_id == "ghost"


def test_missing_required_input(bad):
    doc = base_doc()
    del doc["links"][0]
    err, _ = bad(doc)
    i = one(err, Code.MISSING_INPUT)
    assert (i.node_id, i.node_type, i.port) == ("gray", "colour.gray", "field")


def test_two_links_into_one_input(bad):
    doc = base_doc()
    doc["nodes"].append({"id": "e2", "type": "engine.mnca", "params": {}})
    doc["links"].append(link("e2", "field", "gray", "field"))
    err, _ = bad(doc)
    i = one(err, Code.DUPLICATE_INPUT)
    assert (i.node_id, i.port) == ("gray", "field")


def _loop_doc(through: str) -> dict:
    doc = base_doc()
    doc["nodes"] += [{"id": "mix", "type": "math.mix", "params": {"op": "max"}},
                     {"id": "loop", "type": through, "params": {}}]
    doc["links"] = [link("engine", "field", "mix", "a"), link("loop", "field", "mix", "b"),
                    link("mix", "field", "loop", "field"), link("mix", "field", "gray", "field"),
                    link("gray", "rgb", "out", "rgb")]
    return doc


def test_cycle_without_delay(bad):
    err, _ = bad(_loop_doc("math.levels"))
    i = one(err, Code.CYCLE)
    assert i.node_id in ("mix", "loop")
    assert "mix" in i.message and "loop" in i.message and "Feedback" in i.message


def test_cycle_through_feedback_is_accepted():
    g = nodes.loads(json.dumps(_loop_doc("math.feedback")))
    rt = Runtime(g, backend="numpy", size=32)
    frames = [np.array(rt.step(), copy=True) for _ in range(3)]
    assert all(np.isfinite(f).all() for f in frames)
    # the loop holds the running max: the delayed copy is never brighter than the mix
    assert np.all(np.asarray(rt.value("loop", "field")) <= np.asarray(rt.value("mix", "field")))


def test_graph_api_refuses_a_cycle():
    g = nodes.loads(json.dumps(_loop_doc("math.levels")).replace(
        '"src": {"node": "mix", "port": "field"}, "dst": {"node": "loop"',
        '"src": {"node": "engine", "port": "field"}, "dst": {"node": "loop"'))
    with pytest.raises(GraphError) as ei:
        g.connect("mix", "field", "loop", "field", replace=True)
    assert ei.value.codes == {Code.CYCLE}


def test_duplicate_node_id(bad):
    doc = base_doc()
    doc["nodes"].append({"id": "engine", "type": "engine.mnca", "params": {}})
    err, _ = bad(doc)
    i = one(err, Code.DUPLICATE_ID)
    assert i.node_id == "engine"
    assert i.node_type == "engine.mnca"


@pytest.mark.parametrize("pub,words", [
    ({"name": "growth", "node": "engine", "param": "mu", "min": 0.0, "max": 5.0}, "range"),
    ({"name": "growth", "node": "engine", "param": "mu", "min": 0.3, "max": 0.2}, "range"),
    ({"name": "growth", "node": "engine", "param": "nope"}, "no parameter"),
    ({"name": "growth", "node": "ghost", "param": "mu"}, "missing node"),
    ({"name": "growth", "node": "engine", "param": "peaks"}, "only number"),
])
def test_bad_published(bad, pub, words):
    doc = base_doc()
    doc["published"] = [pub]
    err, _ = bad(doc)
    i = one(err, Code.BAD_PUBLISHED)
    assert (i.node_id, i.param) == (pub["node"], pub["param"])
    if pub["node"] == "engine":
        assert i.node_type == "engine.lenia"
    assert words in i.message


def test_published_name_used_twice(bad):
    doc = base_doc()
    doc["published"] = [{"name": "g", "node": "engine", "param": "mu"},
                        {"name": "g", "node": "engine", "param": "sigma"}]
    err, _ = bad(doc)
    assert "twice" in one(err, Code.BAD_PUBLISHED).message


@pytest.mark.parametrize("mutate,where", [
    (lambda d: d["nodes"][0].pop("id"), "nodes.0.id"),
    (lambda d: d["nodes"][0].update(id="bad id!"), "nodes.0.id"),
    (lambda d: d["nodes"][0].update(extra=1), "nodes.0.extra"),
    (lambda d: d["meta"].update(size=3), "meta.size"),
    (lambda d: d.update(nodes={"a": 1}), "nodes"),
    (lambda d: d["links"][0].pop("dst"), "links.0.dst"),
])
def test_schema_errors_say_where(bad, mutate, where):
    doc = base_doc()
    mutate(doc)
    err, _ = bad(doc)
    i = one(err, Code.SCHEMA)
    assert i.message.startswith(where)
    if where.startswith("nodes.0") and where != "nodes.0.id":
        assert i.node_id == "engine"


def test_many_errors_are_reported_together(bad):
    doc = base_doc()
    node(doc, "engine")["params"].update(mu=9.0, bogus=1)
    node(doc, "gray")["type"] = "colour.nope"
    err, _ = bad(doc)
    assert {Code.BAD_PARAM, Code.UNKNOWN_PARAM, Code.UNKNOWN_TYPE} <= err.codes
    assert len(str(err).splitlines()) == len(err.issues)


# -- check_spec --------------------------------------------------------------------------

def _spec(**over):
    attrs = dict(type_id="test.ok", title="Ok", category="Test",
                 outputs=(Port("out", Kind.SCALAR),), params=(F("x", 0.5, 0.0, 1.0),))
    attrs.update(over)
    return type("T", (Node,), attrs)


def test_check_spec_accepts_a_good_spec():
    check_spec(_spec())


@pytest.mark.parametrize("over,words", [
    (dict(type_id="Bad"), "type_id"), (dict(type_id="os.system()"), "type_id"),
    (dict(type_id="nodot"), "type_id"), (dict(type_id=""), "type_id"),
    (dict(title=""), "title"), (dict(category=""), "category"),
    (dict(params=(F("x", 0.5, 0, 1), F("x", 0.2, 0, 1))), "twice"),
    (dict(inputs=(Port("x", Kind.FIELD),)), "twice"),
    (dict(params=(F("bad name", 0.5, 0, 1),)), "bad name"),
    (dict(outputs=(Port("o", Kind.FIELD), Port("o", Kind.RGB))), "duplicate output"),
    (dict(params=(E("e", "a", ()),)), "no choices"),
    (dict(params=(Param("n", ParamType.FLOAT, 0.5),)), "min <= max"),
    (dict(params=(F("n", 0.5, 1.0, 0.0),)), "min <= max"),
    (dict(params=(F("n", 5.0, 0.0, 1.0),)), "default"),
    (dict(params=(E("e", "z", ("a", "b")),)), "default"),
])
def test_check_spec_refuses_bad_specs(over, words):
    with pytest.raises(SpecError) as ei:
        check_spec(_spec(**over))
    assert words in str(ei.value)


@pytest.mark.parametrize("where, value", [
    (("published", 0, "min"), float("nan")), (("published", 0, "max"), float("inf")),
    (("meta", "fps"), float("nan")), (("meta", "size"), 100), (("meta", "fps"), 0.5)])
def test_non_numbers_and_impossible_sizes_are_schema_errors(bad, where, value):
    doc = base_doc()
    doc["published"] = [{"name": "growth", "node": "engine", "param": "mu"}]
    target = doc
    for k in where[:-1]:
        target = target[k]
    target[where[-1]] = value
    err, _ = bad(doc)
    one(err, Code.SCHEMA)


def test_output_width_without_height_is_a_schema_error(bad):
    doc = base_doc()
    doc["meta"]["width"] = 576
    err, _ = bad(doc)
    assert "both width and height" in one(err, Code.SCHEMA).message


def test_a_byte_order_mark_is_not_an_error(tmp_path):
    p = tmp_path / "bom.graph"
    p.write_bytes(b"\xef\xbb\xbf" + json.dumps(base_doc()).encode())
    assert "engine" in nodes.load(p).nodes


def test_duplicate_id_kept_under_a_new_id_by_the_editor_load(bad):
    doc = base_doc()
    doc["nodes"].append({"id": "engine", "type": "engine.lenia", "version": 1,
                         "params": {"mu": 0.3}})
    one(bad(doc)[0], Code.DUPLICATE_ID)  # strict (render, export, validate)
    g = nodes.loads(json.dumps(doc), strict=False)
    assert g.nodes["engine"].params == {"mu": 0.15}
    assert g.nodes["engine_dup"].params == {"mu": 0.3}  # nothing the user made is dropped


def test_seeds_above_32_bits_differ_and_low_seeds_keep_their_values():
    from nodes.evaluator import node_seed

    assert node_seed(7, "engine") == (7 * 1_000_003 + __import__("zlib").crc32(b"engine")) \
        & 0xFFFFFFFF
    g = nodes.loads(json.dumps(base_doc()))
    outs = []
    for s in (0, 2**32):
        rt = Runtime(g, backend="numpy", size=32, seed=s)
        rt.step()
        outs.append(rt.output_host().copy())
    assert not np.array_equal(outs[0], outs[1])
    with pytest.raises(GraphError):
        Runtime(g, backend="numpy", size=32, seed=-1)


def test_mismatched_lenia_shells_are_a_warning_that_names_the_param():
    doc = base_doc()
    node(doc, "engine")["params"].update(peaks=[0.5, 1.0, 0.7], widths=[0.15, 0.1])
    g = nodes.loads(json.dumps(doc), source="shells.graph")  # it still runs
    (issue,) = [i for i in nodes.validate(g, file="shells.graph") if i.node_id == "engine"]
    assert issue.severity is nodes.Severity.WARNING and issue.param == "widths"
    assert "3 shell peaks but 2 widths" in issue.message
    node(doc, "engine")["params"]["widths"] = [0.15, 0.1, 0.2]
    assert not [i for i in nodes.validate(nodes.loads(json.dumps(doc))) if i.node_id == "engine"]


def test_a_number_too_long_for_python_is_a_plain_message(bad):
    text = json.dumps(base_doc()).replace('"mu": 0.15', '"mu": ' + "9" * 5000)
    err, _ = bad(text)
    msg = one(err, Code.MALFORMED_JSON).message
    assert "more digits" in msg and "sys." not in msg


def test_a_published_parameter_driven_by_a_link_is_a_warning():
    doc = base_doc()
    doc["nodes"].append({"id": "lfo", "type": "signal.lfo", "version": 1, "params": {}})
    doc["links"].append(link("lfo", "out", "engine", "mu"))
    doc["published"] = [{"name": "growth", "node": "engine", "param": "mu"}]
    g = nodes.loads(json.dumps(doc))  # still runs
    (issue,) = [i for i in nodes.validate(g) if i.code is Code.BAD_PUBLISHED]
    assert issue.severity is nodes.Severity.WARNING and "lfo.out" in issue.message
