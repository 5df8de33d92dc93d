"""Parallel kernels' rows in small chunks against equal shares, beside a busy thread.

The editor steps its preview on a worker thread while the UI thread paints; on a 2-core
laptop the UI thread takes a core from one of a kernel's two threads now and then.
With numba's default schedule each thread owns half of the rows, so the kernel waits
for the half that lost its core; with ``kernels.cpu.ROW_CHUNK`` rows at a time the
other thread takes more of them.  This runs one graph on a worker thread, as the
preview does, while the main thread is busy (pure Python, holding the GIL as the UI's
code does) a given share of the time, and alternates blocks of frames between the two
schedules inside one process (a shared VM's speed drifts from minute to minute):

    python benchmarks/row_chunks_ab.py                      # amoeba 1024, busy 15 %
    python benchmarks/row_chunks_ab.py --busy 0             # alone: chunks cost nothing?
    python benchmarks/row_chunks_ab.py --graph graphs/sl_gliders.graph --size 512

Prints the median and the minimum ms a frame for each schedule and their ratio.  Both
schedules give the same frames, bit for bit (``tests/nodes/test_row_chunks.py``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "passive")  # as the runtime sets it
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--graph", default=str(ROOT / "graphs" / "amoeba.graph"))
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--busy", type=float, default=0.15,
                    help="share of the time the main thread is busy (0-0.9)")
    ap.add_argument("--blocks", type=int, default=8, help="blocks per schedule")
    ap.add_argument("--frames", type=int, default=8, help="frames per block")
    args = ap.parse_args()

    import numpy as np

    import nodes
    from nodes.kernels import cpu

    sys.setswitchinterval(0.0005)  # as the editor sets it (graph_app.editor.main_window)
    chunked = cpu.ROW_CHUNK
    times: dict[int, list[float]] = {chunked: [], 0: []}
    done = threading.Event()
    warm = threading.Event()

    def worker():
        try:
            rt = nodes.Runtime(nodes.load(args.graph), backend="numpy", size=args.size)
            rt.roll()
            for _ in range(40):  # kernels compiled, the organism grown
                rt.step()
            warm.set()
            for b in range(2 * args.blocks):
                cpu.ROW_CHUNK = chunked if b % 2 == 0 else 0
                for _ in range(args.frames):
                    t0 = time.perf_counter()
                    rt.step()
                    times[cpu.ROW_CHUNK].append(time.perf_counter() - t0)
        finally:
            cpu.ROW_CHUNK = chunked
            done.set()

    t = threading.Thread(target=worker, name="preview-like")
    t.start()
    a = np.random.default_rng(0).random((200, 200))
    period = 0.010
    while not done.is_set():
        t0 = time.perf_counter()
        if args.busy > 0 and warm.is_set():
            while time.perf_counter() - t0 < period * args.busy:
                float((a * 1.0001).sum())  # short numpy calls between Python bytecode
        done.wait(max(0.0, period * (1 - args.busy)))
    t.join()

    name = Path(args.graph).name
    print(f"{name} at {args.size}, main thread busy {args.busy:.0%} of the time, "
          f"{args.blocks} alternating blocks of {args.frames} frames per schedule "
          f"({os.cpu_count()} CPUs)")
    med = {}
    for chunk, label in ((0, "equal shares (numba's default)"),
                         (chunked, f"{chunked}-row chunks (cagraph's)")):
        ms = [x * 1000 for x in times[chunk]]
        med[chunk] = statistics.median(ms)
        print(f"  {label:32s} median {med[chunk]:6.1f} ms/frame   min {min(ms):6.1f}")
    print(f"  chunks / shares: {med[chunked] / med[0]:.2f}x the time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
