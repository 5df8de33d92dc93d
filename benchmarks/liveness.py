"""Preset liveness check: every preset stays alive, never black, never floods.

For each graph at SIZE x SIZE from a fixed seed, runs frames 0..LAST and over
frames FIRST..LAST records, per frame, the output's mean brightness and the
engine's coverage (fraction of cells above 0.05).  A preset passes when no
frame is black (mean brightness >= MIN_MEAN), the organism never dies out
(coverage >= MIN_COVER) and never floods (coverage <= MAX_COVER).

    python benchmarks/liveness.py [--size 512 | --grid WxH] [--first 100] [--last 600] [--take] [graphs...]

``--take`` checks frames as a take shows them: after the pre-roll that render, the editor
preview and the Scope plugin run before frame 0 (``--take --first 10``: the first frames).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nodes  # noqa: E402

MIN_MEAN = 0.03  # mean RGB over the frame (black is 0)
MIN_COVER = 0.02
MAX_COVER = 0.80


def engine_id(graph) -> str:
    return next(n.id for n in graph.nodes.values() if n.type.startswith("engine."))


def check(path: Path, size: int, first: int, last: int, backend: str = "numpy", seed: int = 0,
          preroll: int = 0, grid: tuple[int, int] | None = None):
    """Frames are counted from the first one a take shows (after ``preroll`` silent frames:
    ``nodes.START_PREROLL`` is what render, the editor preview and the Scope plugin use)."""
    g = nodes.load(path)
    rt = nodes.Runtime(g, backend=backend, size=None if grid else size, seed=seed,
                       preroll=preroll, grid=grid)
    eid = engine_id(g)
    means, covers = [], []
    for i in range(last + 1):
        rgb = rt.step()
        if i >= first:
            field = rt.value(eid, "field")
            means.append(float(rgb.mean()))
            covers.append(float((field > 0.05).mean()))
    means, covers = np.array(means), np.array(covers)
    ok = means.min() >= MIN_MEAN and covers.min() >= MIN_COVER and covers.max() <= MAX_COVER
    return ok, means, covers


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("graphs", nargs="*")
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--grid", help="a rectangular grid WxH (e.g. 576x320) instead of --size")
    ap.add_argument("--first", type=int, default=100)
    ap.add_argument("--last", type=int, default=600)
    ap.add_argument("--backend", default="numpy")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--take", action="store_true",
                    help=f"count frames after the take's pre-roll ({nodes.START_PREROLL} frames)")
    a = ap.parse_args(argv)
    preroll = nodes.START_PREROLL if a.take else 0
    grid = tuple(int(v) for v in a.grid.lower().split("x")) if a.grid else None
    where = f"{grid[0]}x{grid[1]}" if grid else f"{a.size}px"
    paths = [Path(p) for p in a.graphs] or sorted((ROOT / "graphs").glob("*.graph"))
    print(f"{'preset':14s} {'mean min':>8s} {'mean avg':>8s} {'cover min':>9s} "
          f"{'cover avg':>9s} {'cover max':>9s}  result   ({where}, frames {a.first}-{a.last}"
          f"{f' of a take, after {preroll} pre-roll frames' if preroll else ''})")
    failed = 0
    for p in paths:
        t0 = time.perf_counter()
        ok, m, c = check(p, a.size, a.first, a.last, a.backend, a.seed, preroll, grid)
        failed += not ok
        print(f"{p.stem:14s} {m.min():8.3f} {m.mean():8.3f} {c.min():9.3f} {c.mean():9.3f} "
              f"{c.max():9.3f}  {'ok' if ok else 'FAIL':6s} {time.perf_counter() - t0:5.1f}s",
              flush=True)
    print(f"{len(paths) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
