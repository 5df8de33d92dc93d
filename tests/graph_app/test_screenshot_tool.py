"""The offscreen screenshot tool (graph_app/editor/screenshot.py), run as a person runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


def _tool(*args, cwd):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "graph_app.editor.screenshot", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_help_says_it_switches_to_krea_s_frame(tmp_path):
    r = _tool("--help", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    text = " ".join(r.stdout.split())
    assert "576x320" in text and "--frame {square,576x320,832x480}" in text, text


def test_an_unknown_node_is_one_line_naming_the_graph_s_nodes(tmp_path):
    r = _tool("--node", "enginee", "--size", "640x400", "--preview-size", "32",
              "--seconds", "0", cwd=tmp_path)
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = [line for line in r.stderr.splitlines() if line.startswith("error")]
    assert len(lines) == 1 and "--node enginee" in lines[0] and "amoeba.graph" in lines[0]
    assert "engine" in lines[0].split("its nodes:")[1] and "Traceback" not in r.stderr
    assert not (tmp_path / "editor.png").exists()


def test_a_screenshot_of_a_square_frame(tmp_path):
    r = _tool("--size", "1280x720", "--preview-size", "32", "--seconds", "0.2", "--frame",
              "square", "--out", "s.png", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert Image.open(tmp_path / "s.png").size == (1280, 720)
    assert "HUD" in r.stdout and "576" not in r.stdout.split("HUD:")[1], r.stdout


def test_a_graph_it_cannot_read_is_one_line_and_a_bundled_name_works(tmp_path):
    # `--graph reef` said "--node engine: reef has no node of that id (its nodes: )"
    r = _tool("--graph", "nosuch.graph", cwd=tmp_path)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.strip().splitlines() == [r.stderr.strip()] and "nosuch.graph" in r.stderr
    assert "cannot read" in r.stderr and "--node" not in r.stderr
    r = _tool("--graph", "reef", "--size", "1280x720", "--preview-size", "32", "--seconds", "0",
              "--out", "r.png", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert Image.open(tmp_path / "r.png").size == (1280, 720)
