"""A node that feeds nothing never stops the graph (issue 12, part 2): `cagraph validate`
warns and exits 0, `cagraph render` renders (both run as a person runs them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nodes

ROOT = Path(__file__).resolve().parents[2]


def _cagraph(*args, cwd):
    env = dict(os.environ, PYTHONPATH=str(ROOT), CAGRAPH_KERNELS="reference")
    return subprocess.run([sys.executable, "-m", "graph_app.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_validate_warns_and_render_renders_with_an_unwired_advect(tmp_path):
    g = nodes.load(ROOT / "graphs" / "amoeba.graph")
    g.add_node("flow.advect", "advect")
    path = tmp_path / "stray.graph"
    nodes.save(g, path)
    v = _cagraph("validate", str(path), cwd=tmp_path)
    assert v.returncode == 0, v.stdout + v.stderr
    assert "warning:" in v.stdout and "advect" in v.stdout and "not run" in v.stdout
    assert "ok: " in v.stdout
    r = _cagraph("render", str(path), "--size", "32", "--frames", "2", "--out",
                 str(tmp_path / "frames"), cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert len(list((tmp_path / "frames").glob("*.png"))) == 2
