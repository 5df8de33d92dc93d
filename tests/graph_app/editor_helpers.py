"""Helpers shared by the editor tests (imported by name, as tests/nodes/nodes_helpers.py:
conftest modules clash across test folders, so plain helpers live here and fixtures in
conftest.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtWidgets

from nodes import Graph, Meta

ROOT = Path(__file__).resolve().parents[2]
AMOEBA = ROOT / "graphs" / "amoeba.graph"


def cli_on_amoeba(command: str, *args) -> str:
    """``cagraph COMMAND amoeba.graph --size 32 ARGS`` as a subprocess (it must succeed);
    its stdout and stderr with whitespace runs made single spaces."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "COLUMNS": "400"}
    r = subprocess.run([sys.executable, "-m", "graph_app.cli", command, str(AMOEBA), "--size",
                        "32", *map(str, args)], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return " ".join((r.stdout + r.stderr).split())


def lenia_graph(size: int = 64, fps: float = 30.0) -> Graph:
    """seed -> lenia -> gray -> output, built by the model API."""
    g = Graph(Meta(name="t", size=size, fps=fps))
    g.add_node("seed.pattern", "seed")
    g.add_node("engine.lenia", "engine")
    g.add_node("colour.gray", "gray")
    g.add_node("out.output", "output")
    g.connect("seed", "seed", "engine", "seed")
    g.connect("engine", "field", "gray", "field")
    g.connect("gray", "rgb", "output", "rgb")
    return g


def menu_action(win, text: str, menu: str | None = None):
    """The window's menu entry ``text`` (in the menu titled ``menu``, "&" ignored, or in
    any top-level menu)."""
    for top in win.menuBar().actions():
        if top.menu() is None or (menu and top.text().replace("&", "") != menu):
            continue
        for a in top.menu().actions():
            if a.text() == text:
                return a
    raise AssertionError(f"no menu entry {text!r}" + (f" in {menu}" if menu else ""))


def answer_modal(kind, fill) -> None:
    """Run ``fill(dialog)`` on the next modal dialog of class ``kind`` (call before the
    trigger that opens it: its exec() blocks)."""
    def poll():
        w = QtWidgets.QApplication.activeModalWidget()
        if isinstance(w, kind):
            fill(w)
        else:
            QtCore.QTimer.singleShot(20, poll)

    QtCore.QTimer.singleShot(20, poll)
