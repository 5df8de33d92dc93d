"""Frames per second of the full preset graphs, against the prototype's measured rates.

Runs each preset graph (engine, advection, containment, perturbation, colour,
bloom, output) at each size with ONE engine step per frame
(``rt.ctx.steps_override = 1``), in steady state: the first frames (numba JIT
loading, first-frame allocations, and the engine's own warm-up steps, which
the graph spreads over its first ``warmup_frames`` frames) are run untimed.
Then ``--repeat`` blocks of ``--frames`` frames are timed and the fastest
block is reported: the machine is shared, and the best block is the one least
disturbed by other processes.

    python benchmarks/bench_presets.py                      # the 4 reference presets
    python benchmarks/bench_presets.py --all --sizes 512     # all 23 graphs
    python benchmarks/bench_presets.py --backend cupy --sizes 1024 2048

The prototype's rates were measured on the 2-core dev VM (shared/reference/
ca-prototype.md section 9.2, one step per frame); "ratio" is fps / prototype
fps at the largest size that has a prototype figure.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nodes  # noqa: E402
from nodes.presets import ENGINE_OF, KEYS  # noqa: E402

GRAPHS = ROOT / "graphs"
DEFAULT_PRESETS = ("amoeba", "sl_gliders", "mnca_mitosis", "labyrinth")

# prototype fps at one engine step per frame, measured on the 2-core dev VM
PROTOTYPE_FPS = {
    "amoeba": {512: 28.0, 1024: 6.8},
    "sl_gliders": {512: 20.0, 1024: 4.5},
    "mnca_mitosis": {512: 26.0, 1024: 5.9},
    "labyrinth": {512: 27.0, 1024: 6.3},
}


def engine_node(graph):
    return next(n for n in graph.nodes.values() if n.type.startswith("engine."))


def bench(preset: str, size: int, frames: int, repeat: int, backend: str,
          engine_warmup: bool, seed: int) -> float:
    """Steady-state frames per second (the fastest of ``repeat`` timed blocks)."""
    graph = nodes.load(GRAPHS / f"{preset}.graph")
    if not engine_warmup:
        engine_node(graph).params["warmup"] = 0
    rt = nodes.Runtime(graph, backend=backend, size=size, seed=seed)
    rt.ctx.steps_override = 1
    for _ in range(rt.warmup_frames + 5):  # the engine's warm-up spread, plus a few to settle
        rt.step()
    rt.be.synchronize()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(frames):
            rt.step()
        rt.be.synchronize()
        best = min(best, time.perf_counter() - t0)
    return frames / best


def describe(backend: str) -> str:
    be = nodes.get_backend(backend)
    parts = [f"backend {be.name}", f"{os.cpu_count()} CPUs", platform.processor() or
             platform.machine()]
    impl = be.k.implementation("advect")
    parts.append(f"kernels {impl}")
    if impl == "numba":
        import numba

        try:
            layer = numba.threading_layer()
        except ValueError:  # no parallel kernel has run yet
            layer = numba.config.THREADING_LAYER
        parts.append(f"numba {numba.__version__} ({layer}, {numba.get_num_threads()} threads, "
                     f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '-')})")
    if be.name == "numpy":
        from nodes.backend import _workers

        parts.append(f"scipy.fft workers {_workers()}")
    return ", ".join(parts)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("presets", nargs="*", help=f"preset keys (default: {' '.join(DEFAULT_PRESETS)})")
    ap.add_argument("--all", action="store_true", help="all 23 preset graphs")
    ap.add_argument("--sizes", type=int, nargs="+", default=[512, 1024])
    ap.add_argument("--frames", type=int, default=30, help="frames per timed block")
    ap.add_argument("--repeat", type=int, default=3, help="timed blocks; the fastest counts")
    ap.add_argument("--backend", default="numpy", choices=("auto", "numpy", "cupy"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-engine-warmup", action="store_true",
                    help="skip the engines' warm-up steps (quicker; per-frame cost is the same)")
    args = ap.parse_args(argv)

    presets = list(KEYS) if args.all else (args.presets or list(DEFAULT_PRESETS))
    unknown = [p for p in presets if p not in ENGINE_OF]
    if unknown:
        ap.error(f"unknown preset(s): {', '.join(unknown)}")
    sizes = sorted(args.sizes)

    # one tiny frame first so that JIT loading and library imports are not timed
    bench(presets[0], 64, 1, 1, args.backend, False, args.seed)
    print(f"# {describe(args.backend)}")
    print(f"# {args.repeat} x {args.frames} frames per cell, fastest block; one engine step "
          f"per frame; warm-up frames untimed")
    ratio_size = max((s for s in sizes if any(s in v for v in PROTOTYPE_FPS.values())),
                     default=None)
    head = (f"{'preset':14s} {'engine':11s} "
            + " ".join(f"{'fps@' + str(s):>9s}" for s in sizes)
            + (f" {'proto@' + str(ratio_size):>11s} {'ratio':>6s}" if ratio_size else ""))
    print(head)
    print("-" * len(head))
    for p in presets:
        fps = {s: bench(p, s, args.frames, args.repeat, args.backend,
                        not args.no_engine_warmup, args.seed) for s in sizes}
        row = f"{p:14s} {ENGINE_OF[p]:11s} " + " ".join(f"{fps[s]:9.1f}" for s in sizes)
        if ratio_size:
            proto = PROTOTYPE_FPS.get(p, {}).get(ratio_size)
            row += (f" {proto:11.1f} {fps[ratio_size] / proto:5.1f}x" if proto
                    else f" {'-':>11s} {'-':>6s}")
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
