"""How much of a non-square frame the organism fills: each preset simulated on a grid of
the frame's own shape (``--grid``, format v4) against the square simulation contained in
the same frame (the Output node's default fit), after a take's pre-roll.

    python benchmarks/grid_fill.py [--grid 576x320] [--frames 30] [graphs...]

Per preset: the lit area (pixels brighter than 0.08) and the lit span, the fraction of
the frame's width (height) between the first and last column (row) with more than 2 % of
its pixels lit; last line the medians.
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


def spans(frame: np.ndarray, thr: float = 0.08) -> tuple[float, float, float]:
    lit = frame.max(axis=2) > thr
    cols = np.flatnonzero(lit.mean(axis=0) > 0.02)
    rows = np.flatnonzero(lit.mean(axis=1) > 0.02)
    sx = (cols[-1] - cols[0] + 1) / lit.shape[1] if cols.size else 0.0
    sy = (rows[-1] - rows[0] + 1) / lit.shape[0] if rows.size else 0.0
    return float(lit.mean()), float(sx), float(sy)


def run(path: Path, frames: int, backend: str, **kw) -> tuple[float, float, float]:
    rt = nodes.Runtime(nodes.load(path), backend=backend, preroll=nodes.START_PREROLL, **kw)
    for _ in range(frames):
        rt.step()
    return spans(rt.output_host())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("graphs", nargs="*")
    ap.add_argument("--grid", default="576x320")
    ap.add_argument("--frames", type=int, default=30, help="frames shown before the measure")
    ap.add_argument("--backend", default="numpy")
    a = ap.parse_args(argv)
    w, h = (int(v) for v in a.grid.lower().split("x"))
    paths = [Path(p) for p in a.graphs] or sorted((ROOT / "graphs").glob("*.graph"))
    print(f"{'preset':14s} {'grid lit':>8s} {'span x':>6s} {'span y':>6s} | "
          f"{'square lit':>10s} {'span x':>6s} {'span y':>6s}   ({w}x{h} frame, frame "
          f"{a.frames} of a take)")
    rows = []
    for p in paths:
        t0 = time.perf_counter()
        g = run(p, a.frames, a.backend, grid=(w, h))
        q = run(p, a.frames, a.backend, size=min(w, h), width=w, height=h)
        rows.append(g + q)
        print(f"{p.stem:14s} {g[0]:8.3f} {g[1]:6.2f} {g[2]:6.2f} | {q[0]:10.3f} {q[1]:6.2f} "
              f"{q[2]:6.2f}   {time.perf_counter() - t0:5.1f}s", flush=True)
    m = np.median(np.array(rows), axis=0)
    print(f"{'median':14s} {m[0]:8.3f} {m[1]:6.2f} {m[2]:6.2f} | {m[3]:10.3f} {m[4]:6.2f} "
          f"{m[5]:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
