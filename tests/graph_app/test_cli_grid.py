"""Rectangular simulation grids from the command line, run as a person runs them (a
subprocess): `cagraph render --grid WxH`, a graph whose file holds its own grid,
`cagraph info`, and one clear line for a bad grid."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
AMOEBA = ROOT / "graphs" / "amoeba.graph"


def _cli(*args) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "graph_app.cli", *map(str, args)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)


def _lit_columns(png: Path) -> float:
    a = np.asarray(Image.open(png).convert("RGB"), np.float32) / 255
    cols = np.flatnonzero(((a.max(axis=2) > 0.08).mean(axis=0)) > 0.02)
    return (cols[-1] - cols[0] + 1) / a.shape[1] if cols.size else 0.0


def test_render_on_a_rectangular_grid_fills_the_frame(tmp_path):
    wide, boxed = tmp_path / "wide.png", tmp_path / "boxed.png"
    r = _cli("render", AMOEBA, "--grid", "frame", "--width", "192", "--height", "112",
             "--frames", "1", "--out", wide, "--backend", "numpy")
    assert r.returncode == 0, r.stderr
    with Image.open(wide) as im:
        assert im.size == (192, 112)
    # the square simulation in the same frame (contain): a disc between bars
    r = _cli("render", AMOEBA, "--width", "192", "--height", "112", "--size", "112",
             "--frames", "1", "--out", boxed, "--backend", "numpy")
    assert r.returncode == 0, r.stderr
    assert _lit_columns(wide) > _lit_columns(boxed) + 0.05
    assert _lit_columns(wide) > 0.5


def test_a_graph_with_its_own_grid_renders_and_reports_it(tmp_path):
    doc = json.loads(AMOEBA.read_text())
    doc["meta"]["grid"] = [96, 48]
    src = tmp_path / "wide.graph"
    src.write_text(json.dumps(doc))
    out = tmp_path / "f.png"
    r = _cli("render", src, "--frames", "1", "--out", out, "--backend", "numpy")
    assert r.returncode == 0, r.stderr
    with Image.open(out) as im:
        assert im.size == (96, 48)
    # Krea's frame twice as large: the grid keeps its shape, the frame is resized
    r = _cli("render", src, "--frames", "1", "--width", "192", "--height", "96", "--out",
             tmp_path / "big.png", "--backend", "numpy")
    assert r.returncode == 0, r.stderr
    with Image.open(tmp_path / "big.png") as im:
        assert im.size == (192, 96)
    r = _cli("info", src)
    assert r.returncode == 0 and "grid 96x48" in r.stdout, r.stdout + r.stderr


def test_a_bad_grid_is_one_clear_line(tmp_path, capsys):
    from graph_app.cli import main

    r = _cli("render", AMOEBA, "--grid", "100x64", "--frames", "1", "--out",
             tmp_path / "x.png")
    assert r.returncode != 0
    assert "multiple of 16" in r.stderr and "Traceback" not in r.stderr, r.stderr
    for args, words in ((["--grid", "576"], "WIDTHxHEIGHT"), (["--grid", "axb"], "WIDTHxHEIGHT"),
                        (["--grid", "96x48", "--size", "64"], "not both"),
                        (["--grid", "frame"], "--width"),
                        (["--grid", "frame", "--width", "100", "--height", "48"],
                         "multiple of 16")):
        rc = main(["render", str(AMOEBA), *args, "--frames", "1", "--out",
                   str(tmp_path / "x.png")])
        err = capsys.readouterr().err
        assert rc != 0 and words in err and "Traceback" not in err, err
