"""Scope's own controls (OSC at /scope/<param>, its beat-synced modulation) reach every
published runtime parameter of an export with the right range, and no load-time field."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from scope_controls import osc_paths, problems  # noqa: E402

GRAPHS = HERE.parents[1] / "graphs"

DUMP = """
import importlib, json, sys
mod = importlib.import_module(sys.argv[1] + ".schema")
cfg = next(v for k, v in vars(mod).items() if k.endswith("Config") and k != "BasePipelineConfig")
print(json.dumps(cfg.get_schema_with_metadata()["config_schema"]))
"""


@pytest.mark.parametrize("name", ["amoeba", "sl_gliders"])
def test_every_published_runtime_parameter_reaches_scopes_controls(tmp_path, name):
    import nodes
    from scope_export.exporter import export

    graph_path = GRAPHS / f"{name}.graph"
    res = export(graph_path, tmp_path / "pkg", check_loras=False)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE / "fake_scope"),
                                                        str(res.out_dir)]))
    out = subprocess.run([sys.executable, "-c", DUMP, res.names.module], capture_output=True,
                         text=True, timeout=120, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    schema = json.loads(out.stdout)
    graph = nodes.load(graph_path)
    choices = {f.name: f.choices for f in res.fields if f.kind == "enum"}
    assert problems(schema, graph, choices) == []
    morph = 3 if len(graph.snapshots) >= 2 else 0  # morph, snapshot_a, snapshot_b
    assert (name == "amoeba") == bool(morph)  # amoeba ships two snapshots, sl_gliders none
    recall = 3 if graph.snapshots else 0  # recall, recall_quantise, recall_transition
    # + fps, seed, beat_reset
    assert len(osc_paths(schema)) == len(graph.published) + 3 + morph + recall
    if morph:
        names = [s.name for s in graph.snapshots]
        assert osc_paths(schema)["/scope/morph"] == {"minimum": 0.0, "maximum": 1.0,
                                                     "type": "number"}
        assert schema["properties"]["morph"]["ui"]["modulatable"]
        for key in ("snapshot_a", "snapshot_b"):
            assert osc_paths(schema)[f"/scope/{key}"]["enum"] == names
            assert not schema["properties"][key]["ui"].get("modulatable")
        # the check fails on a morph turned load-time or a wrong menu
        broken = json.loads(json.dumps(schema))
        broken["properties"]["morph"]["ui"]["is_load_param"] = True
        assert any("morph" in p for p in problems(broken, graph, choices))
        broken = json.loads(json.dumps(schema))
        broken["properties"]["snapshot_b"]["enum"] = names[:1]
        assert any("snapshot_b" in p for p in problems(broken, graph, choices))
    # the check can fail: a field turned load-time, a narrowed range, a lost flag
    broken = json.loads(json.dumps(schema))
    first = graph.published[0].name
    broken["properties"][first]["ui"]["is_load_param"] = True
    assert any(first in p for p in problems(broken, graph, choices))
    broken = json.loads(json.dumps(schema))
    del broken["properties"]["grid_size"]["ui"]
    broken["properties"]["grid_size"]["ui"] = {"is_load_param": False}
    assert any("grid_size" in p for p in problems(broken, graph, choices))
    mods = [k for k, v in schema["properties"].items() if (v.get("ui") or {}).get("modulatable")]
    assert mods
    broken = json.loads(json.dumps(schema))
    broken["properties"][mods[0]]["ui"]["modulatable_max"] = -1.0
    assert any(mods[0] in p for p in problems(broken, graph, choices))
