"""Helpers shared by the runtime tests (imported by name: conftest modules clash
across test folders, so plain helpers live here and fixtures in conftest.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nodes import Graph, Runtime

ROOT = Path(__file__).resolve().parents[2]
GRAPHS_DIR = ROOT / "graphs"
DATA_DIR = Path(__file__).resolve().parent / "data"
GRAPH_FILES = sorted(GRAPHS_DIR.glob("*.graph"))


def benchmark_module(name: str):
    """``benchmarks/<name>.py`` imported as a module (the scripts are not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def graph_ids():
    return [p.stem for p in GRAPH_FILES]


def params_of(cls, **overrides):
    """A node class's default params with overrides, as the evaluator passes them."""
    p = {q.name: (q.coerce(q.default) if q.type.value in ("vec3", "list") else q.default)
         for q in cls.params}
    for k, v in overrides.items():
        p[k] = cls.param(k).coerce(v)
    return p


def engine_graph(engine="engine.lenia", params=None, *, gray=True, seed=0,
                 steps: float | None = None) -> Graph:
    """engine -> Field to RGB -> Output, optionally with a constant 'steps' link."""
    g = Graph()
    g.meta.seed = seed
    g.add_node(engine, "engine", params or {})
    if steps is not None:
        g.add_node("signal.constant", "steps", {"value": float(steps)})
        g.connect("steps", "out", "engine", "steps")
    if gray:
        g.add_node("colour.gray", "gray")
        g.add_node("out.output", "out")
        g.connect("engine", "field", "gray", "field")
        g.connect("gray", "rgb", "out", "rgb")
    return g


def run_frames(rt: Runtime, n: int) -> list[np.ndarray]:
    """Step ``n`` frames and return host copies of the output."""
    frames = []
    for _ in range(n):
        rt.step()
        frames.append(np.array(rt.output_host(), copy=True))
    return frames
