"""Where a preset's CPU frame goes, and the fastest this machine could run it.

Prints, for one preset graph at one size (default amoeba at 1024, the editor-preview
target of issue 15 part 6):

1. the machine's own parallel scaling: a compute-bound numba loop and a memory-bound
   one, on one thread and on all of them (a VM's "cores" may be hyperthreads or shared:
   the compute figure is the most any kernel can gain from threads here);
2. the graph's frame as the editor and a render run it (the scheduler's steps per
   frame, not one step), kernel by kernel, on one thread and on all threads: wall ms
   per frame, each kernel's thread speed-up, and the frame's CPU time;
3. the best wall time the frame could reach: its one-thread compute divided by the
   machine's compute scaling, i.e. with every kernel as parallel as the hardware allows
   and nothing else running (the editor's own work, painting and the slider, comes on
   top of that).

    python benchmarks/cpu_ceiling.py                       # amoeba at 1024
    python benchmarks/cpu_ceiling.py --graph graphs/sl_gliders.graph --size 512

The figures move 10-30 % from one run to the next on a shared VM: run it twice.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "passive")  # as the runtime sets it (nodes.kernels.cpu)
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def machine_scaling(threads: int) -> tuple[float, float]:
    """(compute, memory) speed-up of ``threads`` threads over one, numba prange loops."""
    import numba
    import numpy as np
    from numba import njit, prange

    @njit(parallel=True, cache=False)
    def compute(n):
        s = np.zeros(64)
        for t in prange(64):
            x = 0.0
            for i in range(n):
                x += np.sin(i * 1e-3 + t)
            s[t] = x
        return s.sum()

    @njit(parallel=True, cache=False)
    def stream(a, b):
        for i in prange(a.shape[0]):
            for j in range(a.shape[1]):
                b[i, j] = a[i, j] * np.float32(1.5) + np.float32(1.0)

    a = np.random.default_rng(0).random((4096, 4096), dtype=np.float32)
    b = np.empty_like(a)
    compute(10)
    stream(a, b)
    out = []
    for fn, args, reps in ((compute, (600_000,), 3), (stream, (a, b), 10)):
        best = {}
        for nt in (1, threads):
            numba.set_num_threads(nt)
            t = []
            for _ in range(reps):
                t0 = time.perf_counter()
                fn(*args)
                t.append(time.perf_counter() - t0)
            best[nt] = min(t)
        out.append(best[1] / best[threads])
    numba.set_num_threads(threads)
    return out[0], out[1]


class _Timed:
    """Wraps the backend's kernel table and FFTs to add up the wall time of each call."""

    def __init__(self, be):
        self.be, self.acc = be, collections.Counter()
        self._k = be.k
        timed = self

        class K:
            def __getattr__(_, name):
                f = getattr(timed._k, name)
                if not callable(f):
                    return f
                return timed._wrap(name, f)

        be.k = K()
        for meth in ("rfft2", "irfft2"):
            setattr(be, meth, self._wrap(meth, getattr(be, meth)))

    def _wrap(self, name, f):
        def w(*a, **kw):
            t0 = time.perf_counter()
            try:
                return f(*a, **kw)
            finally:
                self.acc[name] += time.perf_counter() - t0
        return w


def frame_profile(rt, frames: int, threads: int):
    import numba

    numba.set_num_threads(threads)
    os.environ["CAGRAPH_FFT_WORKERS"] = str(threads)
    for _ in range(3):
        rt.step()
    timed = rt._timed
    timed.acc.clear()
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(frames):
        rt.step()
    wall = (time.perf_counter() - t0) / frames
    cpu = (time.process_time() - c0) / frames
    return wall, cpu, {k: v / frames for k, v in timed.acc.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--graph", default=str(ROOT / "graphs" / "amoeba.graph"),
                    help="the .graph to run (default amoeba)")
    ap.add_argument("--size", type=int, default=1024, help="grid in px (default 1024)")
    ap.add_argument("--frames", type=int, default=20, help="frames per timed block (default 20)")
    ap.add_argument("--repeat", type=int, default=2, help="blocks per thread count; the fastest counts (default 2)")
    args = ap.parse_args()

    import numba

    import nodes

    threads = numba.get_num_threads()
    comp, mem = machine_scaling(threads)
    print(f"machine: {os.cpu_count()} CPUs, numba {numba.threading_layer()} layer; "
          f"{threads} threads vs 1: compute x{comp:.2f}, memory stream x{mem:.2f}")

    from graph_app.cli import graph_arg

    args.graph = graph_arg(args.graph)  # a bundled graph's name works too
    try:
        graph = nodes.load(args.graph)
    except nodes.GraphError as exc:
        ap.error(str(exc.issues[0]))
    rt = nodes.Runtime(graph, backend="numpy", size=args.size)
    rt.roll()
    for _ in range(rt.warmup_frames + 3):
        rt.step()
    rt._timed = _Timed(rt.be)
    runs = {}
    for nt in (1, threads):
        best = None
        for _ in range(args.repeat):
            r = frame_profile(rt, args.frames, nt)
            best = r if best is None or r[0] < best[0] else best
        runs[nt] = best
    (w1, c1, k1), (wn, cn, kn) = runs[1], runs[threads]
    print(f"graph {Path(args.graph).name} at {args.size}: "
          f"{1 / wn:.1f} fps on {threads} threads ({wn * 1000:.1f} ms/frame, CPU "
          f"{cn * 1000:.1f} ms = {cn / wn:.2f} cores); {w1 * 1000:.1f} ms/frame on one thread")
    print(f"  {'kernel':18s} {'1 thread':>9s} {f'{threads} threads':>10s} {'speed-up':>9s}")
    for name, v in sorted(k1.items(), key=lambda kv: -kv[1]):
        vn = kn.get(name, 0.0)
        if v < 2e-4:
            continue
        print(f"  {name:18s} {v * 1000:8.2f}  {vn * 1000:9.2f}  {v / vn if vn else 0:8.2f}x")
    other1 = w1 - sum(k1.values())
    othern = wn - sum(kn.values())
    print(f"  {'(python, between)':18s} {other1 * 1000:8.2f}  {othern * 1000:9.2f}")
    best = w1 / comp
    print(f"best case on this machine: {w1 * 1000:.1f} ms of one-thread work / x{comp:.2f} "
          f"compute scaling = {best * 1000:.1f} ms/frame = {1 / best:.1f} fps, before the "
          f"editor's own work (today {wn * 1000:.1f} ms = {1 / wn:.1f} fps)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
