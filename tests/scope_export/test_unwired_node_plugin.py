"""A node that feeds nothing never stops the graph (issue 12, part 2): the exported
Scope plugin of a graph with an unwired Advect loads and makes frames (in a subprocess
with the Scope stand-in and the export on its path, as test_plugin_beats.py runs one)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import nodes

HERE = Path(__file__).resolve().parent
GRAPH = HERE.parents[1] / "graphs" / "amoeba.graph"

CHECK = """
import importlib, json, sys
import numpy as np
mod = importlib.import_module(sys.argv[1] + ".pipeline")
cls = next(v for k, v in vars(mod).items() if k.endswith("Pipeline") and k != "Pipeline")
cfg = cls.get_config_class()
kw = {k: f.default for k, f in cfg.model_fields.items() if f.default is not None}
p = cls(**{**kw, "height": 64, "width": 96, "grid_size": 64, "seed": 7, "fps": 240.0})
a = p(init_cache=True, seed=7)["video"].detach().cpu().numpy()
b = p(seed=7)["video"].detach().cpu().numpy()
print(json.dumps({"shape": list(a.shape), "lit": float(b.max()), "moved": bool((a != b).any())}))
"""


def test_plugin_of_a_graph_with_an_unwired_node_runs(tmp_path):
    pytest.importorskip("torch")
    from scope_export.exporter import export

    g = nodes.load(GRAPH)
    g.add_node("flow.advect", "advect")
    src = tmp_path / "stray.graph"
    nodes.save(g, src)
    res = export(src, tmp_path / "pkg", check_loras=False)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE / "fake_scope"),
                                                        str(res.out_dir)]),
               CAGRAPH_KERNELS="reference")
    out = subprocess.run([sys.executable, "-c", CHECK, res.names.module], capture_output=True,
                         text=True, timeout=300, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    r = json.loads(out.stdout.strip().splitlines()[-1])
    assert r["shape"][-3:] == [64, 96, 3] and r["lit"] > 0
