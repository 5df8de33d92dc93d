"""The .graph format: round trips, v1 migration, renames, node upgrades (issue 2, "Tests" 4)."""

from __future__ import annotations

import json

import pytest

import nodes
from nodes import Code, GraphError, Runtime, registry
from nodes.fileformat import RENAMED_TYPES, from_dict, json_schema, to_dict
from nodes.spec import F, Kind, Node, Port
from nodes import fileformat

from nodes_helpers import DATA_DIR, GRAPH_FILES, GRAPHS_DIR, graph_ids


@pytest.mark.parametrize("path", GRAPH_FILES, ids=graph_ids())
def test_round_trip_is_stable(path):
    text = path.read_text()
    once = nodes.dumps(nodes.loads(text))
    assert nodes.dumps(nodes.loads(once)) == once
    want = json.loads(text)
    # a bundled v3 file comes back as the current version, adding nothing (v4's grid is
    # optional and a square graph has none)
    assert want["format_version"] in (3, nodes.FORMAT_VERSION)
    want["format_version"] = nodes.FORMAT_VERSION
    assert json.loads(once) == want  # nothing lost or invented


def test_save_load_round_trip(tmp_path):
    g = nodes.load(GRAPH_FILES[0])
    g.ui = {"positions": {"engine": [10, 20]}}
    p = tmp_path / "sub" / "x.graph"
    nodes.save(g, p)
    assert [f.name for f in p.parent.iterdir()] == ["x.graph"]  # no temp file left behind
    g2 = nodes.load(p)
    assert to_dict(g2) == to_dict(g)
    assert g2.ui == g.ui


def test_v1_migrates_to_the_v2_graph():
    v1_text = (DATA_DIR / "v1_grayscott.graph").read_text()
    assert json.loads(v1_text)["format_version"] == 1  # the fixture stays in the old shape
    g1 = nodes.loads(v1_text)
    g2 = nodes.load(DATA_DIR / "v2_grayscott.graph")
    assert to_dict(g1) == to_dict(g2)
    assert nodes.dumps(g1) == nodes.dumps(g2)
    assert g1.meta.seed == 7 and g1.meta.size == 128 and g1.meta.fps == 24.0
    assert g1.nodes["engine"].type == "engine.grayscott"  # renamed on the way
    assert g1.nodes["engine"].title == "Reaction"
    assert all(n.version == n.spec.version for n in g1.nodes.values())
    rt = Runtime(g1, backend="numpy", size=64)
    assert rt.step().shape == (64, 64, 3)


@pytest.mark.parametrize("edges", [["engine.field"], ["a -> b"], [5], "nonsense"])
def test_v1_bad_edges_are_schema_errors(edges):
    doc = json.loads((DATA_DIR / "v1_grayscott.graph").read_text())
    doc["edges"] = edges
    with pytest.raises(GraphError) as ei:
        nodes.loads(json.dumps(doc), source="old.graph")
    assert ei.value.codes <= {Code.SCHEMA, Code.UNKNOWN_NODE, Code.UNKNOWN_PORT,
                              Code.MISSING_INPUT}
    assert all(i.file == "old.graph" for i in ei.value.issues)


def test_renamed_type_loads_under_its_new_name():
    assert RENAMED_TYPES["engine.gray_scott"] == "engine.grayscott"
    doc = json.loads((DATA_DIR / "v2_grayscott.graph").read_text())
    for n in doc["nodes"]:
        if n["type"] == "engine.grayscott":
            n["type"] = "engine.gray_scott"
    g = nodes.loads(json.dumps(doc))
    assert g.nodes["engine"].type == "engine.grayscott"
    assert '"engine.gray_scott"' not in nodes.dumps(g)


class Upgraded(Node):
    """v2 renamed param 'amount' to 'gain'."""

    type_id = "test.upgraded"
    title = "Upgraded"
    category = "Test"
    version = 2
    outputs = (Port("out", Kind.SCALAR),)
    params = (F("gain", 0.5, 0.0, 1.0),)
    calls: list = []

    @classmethod
    def upgrade_params(cls, params, from_version):
        cls.calls.append((dict(params), from_version))
        params = dict(params)
        if from_version < 2 and "amount" in params:
            params["gain"] = params.pop("amount")
        return params

    def process(self, ctx, inputs, params):
        return {"out": params["gain"]}


@pytest.fixture
def with_upgraded(monkeypatch):
    registry.check_spec(Upgraded)
    table = {**registry.registry(), Upgraded.type_id: Upgraded}
    monkeypatch.setattr(registry, "registry", lambda: table)
    Upgraded.calls = []
    return Upgraded


def _doc(version, params):
    return json.dumps({"format": "cagraph", "format_version": 2, "nodes": [
        {"id": "u", "type": "test.upgraded", "version": version, "params": params}]})


def test_upgrade_params_hook_runs_for_older_nodes(with_upgraded):
    g = nodes.loads(_doc(1, {"amount": 0.3}))
    assert with_upgraded.calls == [({"amount": 0.3}, 1)]
    assert g.nodes["u"].params == {"gain": 0.3}
    assert g.nodes["u"].version == 2
    assert json.loads(nodes.dumps(g))["nodes"][0]["version"] == 2


def test_upgrade_params_hook_not_called_for_current_nodes(with_upgraded):
    g = nodes.loads(_doc(2, {"gain": 0.4}))
    assert with_upgraded.calls == []
    assert g.nodes["u"].params == {"gain": 0.4}


def test_v1_file_upgrades_nodes_too(with_upgraded):
    text = json.dumps({"format": "cagraph", "format_version": 1, "name": "old",
                       "nodes": [{"id": "u", "type": "test.upgraded", "params": {"amount": 0.2}}],
                       "edges": []})
    g = nodes.loads(text)
    assert with_upgraded.calls == [({"amount": 0.2}, 1)]
    assert g.nodes["u"].params == {"gain": 0.2} and g.meta.name == "old"


def test_newer_node_version_is_refused(with_upgraded):
    with pytest.raises(GraphError) as ei:
        nodes.loads(_doc(3, {"gain": 0.4}), source="new.graph")
    (issue,) = ei.value.issues
    assert issue.code is Code.UNSUPPORTED_VERSION
    assert (issue.node_id, issue.node_type, issue.file) == ("u", "test.upgraded", "new.graph")


def test_non_strict_load_keeps_a_newer_node_as_it_was_saved(with_upgraded):
    text = _doc(3, {"gain": 0.4, "shimmer": "lots"})  # v3: a param this build does not know
    g = nodes.loads(text, strict=False, source="new.graph")
    nd = g.nodes["u"]
    assert nd.spec is None and nd.version == 3  # a placeholder, not dropped
    assert "newer" in nd.placeholder_reason
    (issue,) = [i for i in nodes.validate(g, file="new.graph") if i.node_id == "u"]
    assert issue.code is Code.UNSUPPORTED_VERSION and issue.file == "new.graph"
    saved = json.loads(nodes.dumps(g))["nodes"][0]
    assert saved == {"id": "u", "type": "test.upgraded", "version": 3,
                     "params": {"gain": 0.4, "shimmer": "lots"}}


def test_non_strict_load_keeps_unknown_nodes_as_placeholders():
    doc = json.loads((DATA_DIR / "v2_grayscott.graph").read_text())
    doc["nodes"].append({"id": "future", "type": "fx.future_thing", "params": {"x": [1, 2]}})
    doc["links"].append({"src": {"node": "future", "port": "out"},
                         "dst": {"node": "colorize", "port": "hue"}})
    text = json.dumps(doc)
    with pytest.raises(GraphError) as ei:
        nodes.loads(text)
    assert Code.UNKNOWN_TYPE in ei.value.codes
    g = nodes.loads(text, strict=False)
    assert g.nodes["future"].params == {"x": [1, 2]}
    assert any(lk.src == "future" for lk in g.links)
    assert {i.code for i in nodes.validate(g)} >= {Code.UNKNOWN_TYPE}
    # and it saves back unchanged
    assert json.loads(nodes.dumps(g))["nodes"][-1]["type"] == "fx.future_thing"


def test_from_dict_and_schema():
    doc = json.loads((DATA_DIR / "v2_grayscott.graph").read_text())
    back = to_dict(from_dict(doc))
    # the fixture was saved by Output v1: that node comes back upgraded (it stretched
    # then, so it keeps stretching), everything else exactly as written
    old_out = next(n for n in doc["nodes"] if n["type"] == "out.output")
    new_out = next(n for n in back["nodes"] if n["type"] == "out.output")
    assert (old_out["version"], new_out["version"]) == (1, 2)
    assert new_out["params"] == {**old_out["params"], "fit": "stretch"}
    old_out.update(version=2, params=new_out["params"])
    # and the Gray-Scott v1 node comes back as v3 with the same params (all were saved)
    # plus v3's scale_diffusion off: a file saved before v3 keeps its fixed-pixel pattern
    old_gs = next(n for n in doc["nodes"] if n["type"] == "engine.grayscott")
    new_gs = next(n for n in back["nodes"] if n["type"] == "engine.grayscott")
    assert (old_gs["version"], new_gs["version"]) == (1, 3)
    assert new_gs["params"] == {**old_gs["params"], "scale_diffusion": False}
    old_gs.update(version=3, params=new_gs["params"])
    # and the file itself migrates to v4, adding nothing (v3's blocks default to empty,
    # v4's grid is optional)
    assert back["format_version"] == 4
    doc["format_version"] = 4
    # the Palette v1 node's 'custom' (raw a, b, c, d then) comes back as v2's 'cosine'
    old_pal = next(n for n in doc["nodes"] if n["type"] == "colour.palette")
    new_pal = next(n for n in back["nodes"] if n["type"] == "colour.palette")
    assert (old_pal["version"], new_pal["version"]) == (1, 2)
    assert old_pal["params"]["preset"] == "custom"
    assert new_pal["params"] == {**old_pal["params"], "preset": "cosine"}
    old_pal.update(version=2, params=new_pal["params"])
    assert back == doc
    assert to_dict(from_dict(back)) == back
    schema = json_schema()
    assert schema["properties"]["format_version"]["const"] == 4
    assert "nodes" in schema["properties"]


def test_v3_blocks_round_trip_and_v2_migrates_to_their_defaults():
    from nodes.graph import Control, Snapshot, Tempo

    g = fileformat.load(GRAPHS_DIR / "deep_sea.graph")
    assert g.tempo == Tempo() and g.controls == [] and g.snapshots == []
    nid = next(iter(g.nodes))
    g.nodes[nid].bypass = True
    g.tempo = Tempo(bpm=128.0, beats_per_bar=3)
    g.controls = [Control("midi_cc", channel=0, number=21, node=nid, param="x", curve=2.0),
                  Control("osc", action="restart", address="/cagraph/restart")]
    g.snapshots = [Snapshot("calm", {nid: {"x": 1.0}}, published_only=True)]
    doc = json.loads(fileformat.dumps(g))
    assert doc["format_version"] == 4 and doc["tempo"] == {"bpm": 128.0, "beats_per_bar": 3}
    assert doc["controls"][0] == {"source": "midi_cc", "channel": 0, "number": 21, "node": nid,
                                  "param": "x", "curve": 2.0}
    g2 = fileformat.from_dict(doc, strict=False)
    assert g2.tempo == g.tempo and g2.controls == g.controls and g2.snapshots == g.snapshots
    assert g2.nodes[nid].bypass and not any(n.bypass for k, n in g2.nodes.items() if k != nid)
    # a v2 file (no blocks) reads as v3 with the defaults
    doc2 = json.loads(fileformat.dumps(fileformat.load(GRAPHS_DIR / "deep_sea.graph")))
    doc2["format_version"] = 2
    g3 = fileformat.from_dict(doc2)
    assert g3.tempo == Tempo() and not g3.snapshots


@pytest.mark.parametrize("bad", [
    {"tempo": {"bpm": 0}},
    {"controls": [{"source": "osc", "action": "restart"}]},
    {"controls": [{"source": "midi_cc", "number": 7, "action": "param"}]},
    {"snapshots": [{"name": "a"}, {"name": "a"}]},
])
def test_v3_blocks_refuse_bad_data(bad):
    doc = json.loads(fileformat.dumps(fileformat.load(GRAPHS_DIR / "amoeba.graph")))
    doc.update(bad)
    with pytest.raises(GraphError):
        fileformat.from_dict(doc)


def test_v4_grid_round_trips_and_v3_files_stay_square():
    """format v4: meta.grid [width, height] is kept through save and load; a v3 file (no
    grid) migrates unchanged and runs on size x size; bad grids are one clear error."""
    g = fileformat.load(GRAPHS_DIR / "amoeba.graph")
    assert g.meta.grid is None
    assert "grid" not in json.loads(fileformat.dumps(g))["meta"]
    g.meta.grid = [576, 320]
    doc = json.loads(fileformat.dumps(g))
    assert doc["format_version"] == 4 and doc["meta"]["grid"] == [576, 320]
    assert fileformat.loads(json.dumps(doc)).meta.grid == [576, 320]
    for bad in ([576, 300], [576], [0, 320], [576, 320, 16]):
        doc["meta"]["grid"] = bad
        with pytest.raises(GraphError) as exc:
            fileformat.loads(json.dumps(doc), source="wide.graph")
        text = str(exc.value)
        assert "wide.graph" in text and "grid" in text
    v3 = json.loads((GRAPHS_DIR / "amoeba.graph").read_text())
    v3["format_version"] = 3
    v3["meta"]["size"] = 64
    rt = Runtime(fileformat.loads(json.dumps(v3)), backend="numpy")
    assert rt.grid == (64, 64) and rt.ctx.shape == (64, 64)
    doc["meta"]["grid"] = [96, 48]
    rt = Runtime(fileformat.loads(json.dumps(doc)), backend="numpy")
    assert rt.grid == (96, 48) and rt.ctx.shape == (48, 96) and rt.ctx.size == 48
    assert (rt.width, rt.height) == (96, 48)
    # a size given to a rectangular graph is its shorter side, the aspect kept
    assert Runtime(fileformat.loads(json.dumps(doc)), backend="numpy", size=96).grid == (192, 96)
