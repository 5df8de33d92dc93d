"""The exported Scope plugin honours a rectangular grid: `cagraph export --grid frame`
simulates on Krea's frame itself (the organism fills it instead of a disc between bars),
the plugin's grid_size is that grid's shorter side, and a square export is unchanged.
Runs the exported package in a subprocess against the Scope stand-in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
AMOEBA = ROOT / "graphs" / "amoeba.graph"

SCRIPT = r"""
import importlib, json, sys
import numpy as np
mod = importlib.import_module(sys.argv[1] + ".pipeline")
schema = importlib.import_module(sys.argv[1] + ".schema")
cls = next(v for k, v in vars(mod).items() if k.endswith("Pipeline") and k != "Pipeline")
cfg = next(v for k, v in vars(schema).items() if k.endswith("Config") and k != "BasePipelineConfig"
           and hasattr(v, "model_fields") and "grid_size" in v.model_fields)
p = cls(height=48, width=96, fps=240.0)
out = None
for _ in range(3):
    out = p(fps=240.0)
video = np.asarray(out["video"])
lit = video.reshape(-1, *video.shape[-3:])[-1].max(axis=-1) > 0.08
cols = np.flatnonzero(lit.mean(axis=0) > 0.02)
print(json.dumps({"grid": list(p.runtime.grid), "shape": list(video.shape),
                  "grid_default": cfg.model_fields["grid_size"].default,
                  "span": float((cols[-1] - cols[0] + 1) / lit.shape[1]) if cols.size else 0.0}))
"""


def _run(res) -> dict:
    proc = subprocess.run([sys.executable, "-c", SCRIPT, res.names.module], cwd=res.out_dir,
                          capture_output=True, text=True, timeout=300,
                          # the reference kernels: no numba compile of the vendored copy
                          env={**os.environ, "CAGRAPH_KERNELS": "reference",
                               "PYTHONPATH": f"{res.out_dir}{os.pathsep}{HERE / 'fake_scope'}"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_export_on_the_frame_grid_fills_krea_frame(tmp_path):
    from scope_export.exporter import ExportError, export

    src = tmp_path / "amoeba.graph"
    doc = json.loads(AMOEBA.read_text())
    doc["meta"]["size"] = 48  # small: the test's frame is 96 x 48
    src.write_text(json.dumps(doc))
    wide = export(src, tmp_path / "wide", size="96x48", grid="frame")
    packaged = json.loads(next((wide.out_dir / wide.names.module).glob("*.graph")).read_text())
    assert packaged["meta"]["grid"] == [96, 48] and packaged["format_version"] == 4
    square = export(src, tmp_path / "square", size="96x48")
    assert "grid" not in json.loads(
        next((square.out_dir / square.names.module).glob("*.graph")).read_text())["meta"]
    w = _run(wide)
    assert w["grid"] == [96, 48] and w["grid_default"] == 48 and w["shape"][-3:] == [48, 96, 3]
    # the square export's plugin runs its graph as the runtime does (test_plugins checks
    # frame for frame): in the same frame it leaves bars at the sides
    import nodes

    g = nodes.load(next((square.out_dir / square.names.module).glob("*.graph")))
    rt = nodes.Runtime(g, backend="numpy", size=48, width=96, height=48,
                       preroll=nodes.START_PREROLL)
    for _ in range(3):
        rt.step()
    lit = rt.output_host().max(axis=-1) > 0.08
    cols = [i for i in range(96) if lit[:, i].mean() > 0.02]
    span = (cols[-1] - cols[0] + 1) / 96 if cols else 0.0
    assert w["span"] > span + 0.05, (w, span)
    with pytest.raises(ExportError, match="multiple of 16"):
        export(src, tmp_path / "bad", size="96x48", grid="100x48")
