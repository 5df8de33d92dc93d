"""Lenia's FFT window on the CPU against the full-grid FFT, in one process.

    python benchmarks/conv_window_ab.py [--size 1024] [--graph graphs/amoeba.graph] [--blocks 8]

Runs one take (after its pre-roll) and times alternating blocks of frames with the window
(nodes/conv_window.py) and with it forced off, so that the machine's speed swings hit
both alike; prints each block, the medians and the window's size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "passive")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--graph", default=str(ROOT / "graphs" / "amoeba.graph"))
    ap.add_argument("--blocks", type=int, default=8)
    ap.add_argument("--frames", type=int, default=8, help="frames per block")
    a = ap.parse_args()

    import nodes
    from nodes.kernels import cpu  # noqa: F401 - the numba kernels, before anything else
    from nodes.library.engines import Lenia

    rt = nodes.Runtime(nodes.load(a.graph), backend="numpy", size=a.size,
                       preroll=nodes.START_PREROLL)
    for _ in range(20):
        rt.step()
    lenia = [n for n in rt.nodes.values() if isinstance(n, Lenia)]
    if not lenia:
        print(f"{Path(a.graph).name} has no Lenia engine")
        return 2

    def block() -> float:
        t = time.perf_counter()
        for _ in range(a.frames):
            rt.step()
        return (time.perf_counter() - t) / a.frames * 1000

    windowed, full, sizes = [], [], []
    for _ in range(a.blocks):
        for n in lenia:
            n.__dict__.pop("_window", None)
        windowed.append(block())
        sizes.append(lenia[0].state["conv_window"].size)
        for n in lenia:
            n._window = lambda *args: None
        full.append(block())
    h, w = rt.grid[1], rt.grid[0]
    print(f"{Path(a.graph).name} at {rt.grid[0]}x{rt.grid[1]}, {a.blocks} blocks x {a.frames} "
          f"frames each way")
    print(f"FFT window (height x width, of the grid's {h} x {w}):",
          ", ".join("none (full grid)" if s is None else f"{s[0]} x {s[1]} "
                    f"({100 * s[0] * s[1] / (h * w):.0f} %)" for s in sizes))
    print("windowed ms/frame:", " ".join(f"{v:.1f}" for v in windowed),
          f"median {statistics.median(windowed):.1f}")
    print("full FFT ms/frame:", " ".join(f"{v:.1f}" for v in full),
          f"median {statistics.median(full):.1f}")
    gain = statistics.median(full) / statistics.median(windowed)
    print(f"windowed frames take {100 / gain:.0f} % of the full FFT's time ({gain:.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
