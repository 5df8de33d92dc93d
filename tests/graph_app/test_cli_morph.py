"""`cagraph render --morph A:B`: the take's first frame is A's, its last B's, the middle
between; a missing snapshot is one line naming the file and the snapshot."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nodes
from nodes.graph import Snapshot

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args, cwd):
    env = dict(os.environ, PYTHONPATH=str(ROOT), CAGRAPH_KERNELS="reference")
    return subprocess.run([sys.executable, "-m", "graph_app.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def _frames(graph, n, values):
    from graph_app.cli import _to_uint8

    g = graph.copy()
    for nid, ps in values.items():
        for k, v in ps.items():
            g.set_param(nid, k, v)
    from nodes.backend import Backend

    # a backend of its own: its kernels resolve now, under CAGRAPH_KERNELS=reference as in
    # the subprocess (the shared one may have resolved the fast twins in an earlier test)
    rt = nodes.Runtime(g, backend=Backend(), size=32, preroll=nodes.START_PREROLL)
    out = []
    for _ in range(n):
        rt.step()
        out.append(_to_uint8(rt.output_host()))
    return out


def test_render_morph_follows_a_to_b(tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.setenv("CAGRAPH_KERNELS", "reference")
    g = nodes.load(ROOT / "graphs" / "amoeba.graph")
    # colour-only snapshots: the simulation is the same, so frames compare exactly
    a = {"colorize": {"hue": 0.1, "brightness": 0.6}}
    b = {"colorize": {"hue": 0.7, "brightness": 1.8}}
    g.snapshots = [Snapshot("a", a, True), Snapshot("b", b, True)]
    path = tmp_path / "m.graph"
    nodes.save(g, path)
    r = _cli("render", str(path), "--morph", "a:b", "--frames", "3", "--size", "32",
             "--backend", "numpy", "--out", "take", cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    got = [np.asarray(Image.open(p).convert("RGB"))
           for p in sorted((tmp_path / "take").glob("*.png"))]
    assert len(got) == 3
    want_a, want_b = _frames(g, 3, a), _frames(g, 3, b)
    assert np.array_equal(got[0], want_a[0])
    assert np.array_equal(got[2], want_b[2])
    assert not np.array_equal(got[1], want_a[1]) and not np.array_equal(got[1], want_b[1])
    bad = _cli("render", str(path), "--morph", "a:nope", "--frames", "2", "--size", "32",
               "--out", "x", cwd=tmp_path)
    assert bad.returncode != 0
    lines = [ln for ln in (bad.stderr + bad.stdout).strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and "m.graph" in lines[0] and "'nope'" in lines[0], lines
    assert "Traceback" not in bad.stderr


def test_morph_with_three_names_says_a_b_and_the_same_twice_warns(tmp_path):
    amoeba = str(ROOT / "graphs" / "amoeba.graph")
    bad = _cli("render", amoeba, "--morph", "amoeba:surge:amoeba", "--frames", "1",
               "--size", "32", "--backend", "numpy", "--out", "x", cwd=tmp_path)
    assert bad.returncode == 2
    lines = [ln for ln in bad.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and "--morph expects A:B (two snapshot names)" in lines[0], lines
    same = _cli("render", amoeba, "--morph", "surge:surge", "--frames", "2", "--size", "32",
                "--backend", "numpy", "--out", "take", cwd=tmp_path)
    assert same.returncode == 0, same.stderr[-2000:]
    warns = [ln for ln in same.stderr.splitlines() if "warning" in ln]
    assert len(warns) == 1 and "same snapshot" in warns[0], same.stderr
    assert len(list((tmp_path / "take").glob("*.png"))) == 2
