"""The command line says the grid that ran, and the engine that needs it, when a Gray-Scott
or MNCA graph asked for 256 simulates at 512 (nodes.sim_grid), and the exported plugin's
grid_size says so too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "COLUMNS": "250"}
    return subprocess.run([sys.executable, "-m", "graph_app.cli", *map(str, args)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)


def test_a_256_still_of_gray_scott_says_it_was_simulated_at_512(tmp_path):
    out = tmp_path / "medusa.png"
    r = _cli("render", ROOT / "graphs" / "medusa.graph", "--size", "256", "--frames", "1",
             "--out", out)
    assert r.returncode == 0, r.stderr
    text = " ".join((r.stdout + r.stderr).split())
    assert ("256x256 scaled from a 512x512 simulation, numpy; Gray-Scott needs at least "
            "512 px to draw its pattern") in text, text
    with Image.open(out) as im:
        assert im.size == (256, 256)
    # MNCA needs it too, and the reason names MNCA (the engine's own declaration)
    r = _cli("bench", ROOT / "graphs" / "mnca_hunt.graph", "--size", "256", "--frames", "1",
             "--warmup", "0")
    assert r.returncode == 0, r.stderr
    text = " ".join((r.stdout + r.stderr).split())
    assert ("512x512 (asked 256x256: MNCA needs at least 512 px to draw its pattern)"
            in text), text
    # a Lenia graph says nothing of the kind
    r = _cli("render", ROOT / "graphs" / "amoeba.graph", "--size", "64", "--frames", "1",
             "--out", tmp_path / "amoeba.png")
    assert r.returncode == 0 and "simulation" not in r.stdout + r.stderr, r.stderr


def test_the_exported_plugin_says_how_a_small_grid_runs(tmp_path):
    r = _cli("export", ROOT / "graphs" / "reef.graph", "--out", tmp_path / "plug")
    assert r.returncode == 0, r.stderr
    schema = next((tmp_path / "plug").rglob("schema.py")).read_text()
    assert "Gray-Scott needs at least 512 px to draw its pattern, so a smaller grid" in schema
    pipeline = next((tmp_path / "plug").rglob("pipeline.py")).read_text()
    assert "simulated %dx finer, scaled down" in pipeline
