"""The exported plugin sends what its Krea Parameters node computes as extra keys of
its output dict (Scope forwards those to Krea as parameters), and the published
switch turns it off.  Runs the exported package in a subprocess against the Scope
stand-in (tests/scope_export/fake_scope), without this repository on its path."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "nodes"))
from test_measure import steering_graph  # noqa: E402

HERE = Path(__file__).resolve().parent

SCRIPT = r"""
import importlib, json, sys
mod = importlib.import_module(sys.argv[1] + ".pipeline")
cls = next(v for k, v in vars(mod).items() if k.endswith("Pipeline") and k != "Pipeline")
p = cls(height=64, width=64, grid_size=64, fps=240.0)
keys = []
for i in range(int(sys.argv[2])):
    kw = {"fps": 240.0}
    if i >= int(sys.argv[3]):
        kw["steer_krea"] = False
    out = p(**kw)
    keys.append({k: v for k, v in out.items() if k != "video"})
print(json.dumps(keys))
"""


def test_the_plugin_outputs_krea_parameters_and_the_switch_stops_them(tmp_path):
    from scope_export.exporter import export

    g = steering_graph(max_rate=0)
    doc = json.loads(__import__("nodes").dumps(g))
    doc["published"].append({"name": "steer_krea", "node": "krea", "param": "enabled",
                             "label": "Steer Krea", "order": 99})
    src = tmp_path / "steer.graph"
    src.write_text(json.dumps(doc))
    res = export(src, tmp_path / "plugin", size="64x64")
    proc = subprocess.run([sys.executable, "-c", SCRIPT, res.names.module, "16", "10"],
                          cwd=res.out_dir, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": f"{res.out_dir}{os.pathsep}"
                                                            f"{HERE / 'fake_scope'}"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    keys = json.loads(proc.stdout.strip().splitlines()[-1])
    on, off = keys[:10], keys[10:]
    ns = [k["noise_scale"] for k in on if "noise_scale" in k]
    assert len(set(ns)) > 1 and all(0.0 <= v <= 1.0 for v in ns)  # follows the organism
    assert all(k.get("noise_controller") is False for k in on if "noise_scale" in k)
    assert not any(off)  # switched off: nothing more goes to Krea
