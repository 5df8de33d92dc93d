"""Frames per second of the full preset graphs, side by side with a model of the prototype.

Runs each preset graph (engine, advection, containment, perturbation, colour,
bloom, output) at each size with ONE engine step per frame
(``rt.ctx.steps_override = 1``), in steady state: the first frames (numba JIT
loading, first-frame allocations, and the engine's own warm-up steps, which
the graph spreads over its first ``warmup_frames`` frames) are run untimed.

In the same run, for the four reference presets, it times
``benchmarks/prototype_model.py``: OUR RE-IMPLEMENTATION, FROM ITS DESCRIPTION
ONLY (shared/reference/ca-prototype.md), of the prototype's per-frame array
work (float64 NumPy FFT convolution, map_coordinates advection, float mod
passes and a 2-D LUT gather, Gaussian bloom, ...).  It is not the prototype's
code, which is not available here; it stands in for it so that both are timed
on the same machine at the same moment.  Timed blocks of our graph and of the
model alternate (``--repeat`` of each, ``--frames`` / ``--model-frames`` frames
per block) and the fastest block of each counts: the machine is shared, and
the best block is the one least disturbed by other processes.

"ratio" = our fps / the model's fps at the same size.  "9.2" is the fps the
prototype itself was measured at on the 2-core dev VM (ca-prototype.md section
9.2), printed for reference only.

    python benchmarks/bench_presets.py                      # the 4 reference presets
    python benchmarks/bench_presets.py --sizes 1024 --repeat 5
    python benchmarks/bench_presets.py --all --sizes 512     # all 23 graphs (model: 4 of them)
    python benchmarks/bench_presets.py --backend cupy --sizes 1024 2048 --no-model
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

sys.path.insert(0, str(ROOT / "benchmarks"))
from prototype_model import MEASURED_FPS, PRESETS as MODEL_PRESETS  # noqa: E402
from prototype_model import PrototypeModel, time_frames  # noqa: E402

GRAPHS = ROOT / "graphs"
DEFAULT_PRESETS = ("amoeba", "sl_gliders", "mnca_mitosis", "labyrinth")


def engine_node(graph):
    return next(n for n in graph.nodes.values() if n.type.startswith("engine."))


def runtime(preset: str, size: int, backend: str, engine_warmup: bool, seed: int):
    """A started runtime of the preset graph, one engine step per frame, in steady state."""
    graph = nodes.load(GRAPHS / f"{preset}.graph")
    if not engine_warmup:
        engine_node(graph).params["warmup"] = 0
    rt = nodes.Runtime(graph, backend=backend, size=size, seed=seed)
    rt.ctx.steps_override = 1
    for _ in range(rt.warmup_frames + 5):  # the engine's warm-up spread, plus a few to settle
        rt.step()
    rt.be.synchronize()
    return rt


def _flush_here(on: bool) -> None:
    try:
        from nodes.kernels import cpu
    except ImportError:  # no numba: nothing was changed
        return
    fn = getattr(cpu, "flush_denormals_here", None)  # (absent from older runtimes)
    if fn is not None:
        fn(on)


def time_graph(rt, frames: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the whole process, all threads) for ``frames``."""
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(frames):
        rt.step()
    rt.be.synchronize()
    return time.perf_counter() - t0, time.process_time() - c0


def time_model(model, frames: int) -> tuple[float, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    time_frames(model, frames)
    return time.perf_counter() - t0, time.process_time() - c0


def bench(preset: str, size: int, frames: int, repeat: int, backend: str,
          engine_warmup: bool, seed: int, model_frames: int = 0):
    """(our fps, model fps or None, CPU ratio or None): the fastest of ``repeat`` timed
    blocks of each, the blocks of the graph and of the prototype model alternating.  The
    CPU ratio is the model's CPU time per frame over ours (all our threads counted): the
    work each does, which a busy machine disturbs less than wall time."""
    rt = runtime(preset, size, backend, engine_warmup, seed)
    model = None
    if model_frames > 0 and preset in MODEL_PRESETS:
        model = PrototypeModel(preset, size, seed=seed)
        time_frames(model, 3)  # first-frame allocations, LUT build
    best, best_m = float("inf"), float("inf")
    cpu, cpu_m = float("inf"), float("inf")
    for _ in range(repeat):
        w, c = time_graph(rt, frames)
        best, cpu = min(best, w), min(cpu, c)
        if model is not None:
            # the runtime flushes subnormal floats to zero in this thread (numba kernels,
            # nodes.backend.Backend.begin_frame); the prototype did not: the model runs
            # with plain IEEE arithmetic
            _flush_here(False)
            w, c = time_model(model, model_frames)
            best_m, cpu_m = min(best_m, w), min(cpu_m, c)
    if model is None:
        return frames / best, None, None
    return frames / best, model_frames / best_m, (cpu_m / model_frames) / (cpu / frames)


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
    ap.add_argument("--sizes", type=int, nargs="+", default=[512, 1024],
                    help="grids in px (default 512 1024)")
    ap.add_argument("--frames", type=int, default=30, help="frames per timed block (default 30)")
    ap.add_argument("--repeat", type=int, default=3, help="timed blocks; the fastest counts (default 3)")
    ap.add_argument("--model-frames", type=int, default=10,
                    help="frames per timed block of the prototype model (default 10)")
    ap.add_argument("--no-model", action="store_true", help="skip the prototype model")
    ap.add_argument("--backend", default="numpy", choices=("auto", "numpy", "cupy"),
                    help="cagraph's backend (default numpy: the CPU)")
    ap.add_argument("--seed", type=int, default=0, help="the graphs' seed (default 0)")
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
    model_frames = 0 if args.no_model else args.model_frames
    print(f"# {describe(args.backend)}")
    print(f"# {args.repeat} x {args.frames} frames per cell (model: {args.repeat} x "
          f"{model_frames}, blocks alternating), fastest block; one engine step per frame; "
          f"warm-up frames untimed")
    print("# model = benchmarks/prototype_model.py, a re-implementation of the prototype's "
          "per-frame work from its description (not its code); 9.2 = the prototype's fps "
          "measured in ca-prototype.md 9.2")
    print("# ratio = our fps / the model's fps (wall, same run); cpu = the model's CPU time "
          "per frame / ours (all threads)")
    head = f"{'preset':14s} {'engine':11s}" + "".join(
        f" | {'fps@' + str(s):>9s} {'model':>6s} {'ratio':>6s} {'cpu':>5s} {'9.2':>5s}"
        for s in sizes)
    print(head)
    print("-" * len(head))
    for p in presets:
        row = f"{p:14s} {ENGINE_OF[p]:11s}"
        for s in sizes:
            fps, mfps, cratio = bench(p, s, args.frames, args.repeat, args.backend,
                                      not args.no_engine_warmup, args.seed, model_frames)
            stored = MEASURED_FPS.get(p, {}).get(s)
            row += (f" | {fps:9.1f} " + (f"{mfps:6.2f} {fps / mfps:5.1f}x {cratio:4.1f}x"
                                          if mfps else f"{'-':>6s} {'-':>6s} {'-':>5s}")
                    + (f" {stored:5.1f}" if stored else f" {'-':>5s}"))
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
