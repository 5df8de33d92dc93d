"""Host cost of the GPU code path, measured without a GPU.

On a GPU a full preset frame at 1024 x 1024 is launch-bound: its kernels take a
few microseconds each, and the frame rate follows the host time spent issuing
them (see ``benchmarks/results/gpu_*.md``).  This script runs the preset graphs
through the CUDA code path with the kernels emulated on the host (the same
sources, built by ``nodes.kernels.cuda_host``) on a tiny grid, so what it times
is what the host does per frame on the GPU path apart from CuPy itself: the
evaluator, the nodes, the twins' launch-side code; and it counts the kernel
launches, FFTs and other array operations issued per frame (each one costs
CuPy's call overhead on a GPU).

    python benchmarks/host_overhead.py                 # four presets
    python benchmarks/host_overhead.py --all
    python benchmarks/host_overhead.py --plan --all    # what a CUDA-graph capture would face

``--plan`` records each frame's GPU calls instead of timing them and reports, per
preset, whether every frame issues the same calls, after how many frames the
array addresses repeat (buffers ping-pong), and which kernel arguments change
from frame to frame: a replayed CUDA graph has its arguments fixed, so those
would have to be read from device memory.

"us" includes the emulated kernels and FFTs on a 16 x 16 grid (a few us each
here) and the counting itself; "host us" is the same frame with the kernels and
FFTs skipped after warm-up (their outputs keep the last real frame's values), so
it is the Python our code runs per frame on the GPU path, on this machine: the
part of a GPU frame that CuPy's per-call cost comes on top of.  Compare runs of
this script, not GPU figures.
"GPU calls" = our kernel launches + FFTs + other array operations (fills,
copies, ufuncs, matmuls, host-to-device copies), each one CuPy call on a GPU.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import nodes  # noqa: E402
from nodes.backend import Backend  # noqa: E402
from nodes.kernels import REFERENCE, _load_refs, cuda_host, cuda_src  # noqa: E402

f32 = np.float32
DEFAULT = ("amoeba", "labyrinth", "sl_gliders", "mnca_coral")


COUNTS = {"kernels": 0, "ffts": 0, "array_ops": 0}
#: with --plan: this frame's GPU calls as (name, argument descriptors)
CALLS: list | None = None
#: when True, kernel launches and FFTs are counted but not run (host-only timing)
SKIP_WORK = [False]


def _plain(a):
    return a.view(np.ndarray) if isinstance(a, Dev) else a


def _wrap(res):
    if type(res) is np.ndarray:
        return res.view(Dev)
    if isinstance(res, tuple):
        return tuple(_wrap(r) for r in res)
    return res


class Dev(np.ndarray):
    """A "device" array: every NumPy operation on it (ufunc, array function, item
    assignment) counts as one array op, as each is one CuPy call on a GPU."""

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kw):
        COUNTS["array_ops"] += 1
        if out is not None:
            kw["out"] = tuple(_plain(o) for o in out)
        res = getattr(ufunc, method)(*(_plain(i) for i in inputs), **kw)
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _wrap(res)

    def __array_function__(self, func, types, args, kwargs):
        COUNTS["array_ops"] += 1

        def plain(x):
            if isinstance(x, (list, tuple)):
                return type(x)(plain(i) for i in x)
            return _plain(x)

        return _wrap(func(*plain(args), **{k: plain(v) for k, v in kwargs.items()}))

    def __setitem__(self, key, value):
        COUNTS["array_ops"] += 1
        self.view(np.ndarray)[key] = _plain(value)


class _Xp:
    """The array module as node code sees it: NumPy, handing out Dev arrays, and counting
    the calls that launch work on a GPU (fills, copies, stacks...)."""

    ndarray = Dev
    _NO_WORK = {"empty", "empty_like"}

    def asarray(self, a, dtype=None):
        """An upload, as ``cupy.asarray``: a host array is copied (a device array of the
        right dtype is passed through)."""
        if isinstance(a, Dev) and (dtype is None or a.dtype == np.dtype(dtype)):
            return a
        COUNTS["array_ops"] += 1
        return np.array(_plain(a), dtype=dtype, copy=True).view(Dev)

    def __getattr__(self, name):
        attr = getattr(np, name)
        if not callable(attr) or isinstance(attr, type):
            return attr

        def call(*a, **k):
            if name not in self._NO_WORK:
                has_dev = any(isinstance(x, Dev) for x in a)
                if not has_dev:  # with a Dev argument the array protocols count it
                    COUNTS["array_ops"] += 1
            return _wrap(attr(*a, **k))

        return call


class EmulatedGpu(Backend):
    """Dev arrays, CUDA twins run on the host, FFTs with CuPy's conventions."""

    name = "numpy"
    fft_writes_out = True
    device_resident = True  # the nodes take their GPU paths (e.g. Signals' device peaks)

    def __init__(self):
        super().__init__()
        _load_refs()
        self.xp = xp = _Xp()

        def launch(name, n, args):
            COUNTS["kernels"] += 1
            _record(name, args)
            if not SKIP_WORK[0]:
                cuda_host.launch(name, n, [_plain(a) for a in args])

        def bind(name):
            impl = cuda_src.TWINS[name]
            return staticmethod(lambda *a, **k: impl(xp, launch, *a, **k))

        kernels = {n: staticmethod(f) for n, f in REFERENCE.items()}
        kernels.update({n: bind(n) for n in cuda_src.TWINS})
        self.k = type("K", (), kernels)()

    def asarray(self, a, dtype=f32):
        COUNTS["array_ops"] += 1  # a host-to-device copy
        return np.array(_plain(a), dtype=dtype).view(Dev)

    def to_host(self, a):
        COUNTS["array_ops"] += 1
        return np.array(_plain(a))

    @staticmethod
    def _into(res, out):
        if out is None:
            return res.view(Dev)
        out.view(np.ndarray)[...] = res
        return out

    def rfft2(self, a, out=None):
        COUNTS["ffts"] += 1
        _record("rfft2", (a, out))
        if SKIP_WORK[0] and out is not None:
            return out
        return self._into(super().rfft2(_plain(a)).astype(np.complex64), out)

    def irfft2(self, f, shape, *, prescaled=False, out=None):
        COUNTS["ffts"] += 1
        _record("irfft2", (f, out))
        if SKIP_WORK[0] and out is not None:
            return out
        res = super().irfft2(_plain(f), shape)
        if prescaled:
            res = res * f32(shape[0] * shape[1])
        return self._into(res.astype(f32), out)

    def spectrum(self, spec, shape):
        return (np.asarray(spec) / (shape[0] * shape[1])).astype(np.complex64).view(Dev)


def _warm_runtime(name: str) -> "nodes.Runtime":
    """Preset ``name`` on the emulated GPU, 16 x 16 (exactly: Gray-Scott would simulate at
    512, nodes.sim_grid), one engine step per frame, past its warm-up."""
    rt = nodes.Runtime(nodes.load(ROOT / "graphs" / f"{name}.graph"), backend=EmulatedGpu(),
                       size=16, exact_grid=True)
    rt.ctx.steps_override = 1
    for _ in range(rt.warmup_frames + 5):
        rt.step()
    return rt


def _record(name, args) -> None:
    """With --plan: note a GPU call, arrays by address, scalars by value."""
    if CALLS is not None:
        CALLS.append((name, tuple(
            ("ptr", a.__array_interface__["data"][0]) if isinstance(a, np.ndarray)
            else ("val", None if a is None else float(a)) for a in args)))


@functools.lru_cache(maxsize=None)
def _arg_names(kernel: str) -> list[str]:
    """Parameter names of a CUDA kernel, from its source (``CAG_POST_PARAMS`` expanded)."""
    import re

    if kernel in ("rfft2", "irfft2"):
        return ["in", "out"]
    src = cuda_src.SOURCES[kernel]
    post = re.search(r"#define CAG_POST_PARAMS(.*?)\n#define", src, re.S)
    sig = re.search(rf"void {kernel}\((.*?)\)\s*\{{", src, re.S).group(1)
    if post:
        sig = sig.replace("CAG_POST_PARAMS", post.group(1).replace("\\", ""))
    return [re.findall(r"\w+", part)[-1] for part in sig.split(",")]


def plan_report(name: str, frames: int = 60) -> str:
    """What capturing a frame as a CUDA graph (one replay per frame) would have to handle:
    does every frame issue the same calls, after how many frames do the array addresses
    repeat, and which arguments change from frame to frame (a replayed graph has them
    fixed: they would have to be read from device memory)."""
    global CALLS
    rt = _warm_runtime(name)
    seen = []
    try:
        for _ in range(frames):
            CALLS = []
            rt.step()
            seen.append(CALLS)
    finally:
        CALLS = None
    orders = {tuple(c for c, _ in f) for f in seen}
    skipped = sorted({c for f in seen for c, _ in f}
                     - set.intersection(*({c for c, _ in f} for f in seen)))
    # the calls every frame makes, in order, and the array addresses they are given
    steady = [[(c, a) for c, a in f if c not in skipped] for f in seen]
    ptrs = [[tuple(x for x in a if x[0] == "ptr") for _, a in f] for f in steady]
    periods = [p for p in range(1, 13) if all(ptrs[k] == ptrs[k - p] for k in range(p, frames))]
    varying, moving = set(), set()
    for k in range(1, frames):
        for i, ((call, a), (_, b)) in enumerate(zip(steady[k], steady[k - 1])):
            names = _arg_names(call)
            varying.update(f"{call}.{names[j]}" for j, (x, y) in enumerate(zip(a, b))
                           if x[0] == "val" and x != y)
            if k >= 6:  # addresses that don't come back within 6 frames (not a ping-pong)
                moving.update(f"{call}.{names[j]}" for j, x in enumerate(a) if x[0] == "ptr"
                              and all(x != steady[k - p][i][1][j] for p in range(1, 7)))
    return (f"{name}: {len(orders)} call sequence(s) in {frames} frames"
            + (f" (sometimes skipped: {', '.join(skipped)})" if skipped else "")
            + f"; array addresses repeat every {periods[0] if periods else '>12'} frame(s)"
            + (f" (not repeating: {', '.join(sorted(moving))})" if moving else "")
            + f"; scalars changing per frame: {', '.join(sorted(varying)) or 'none'}")


def _best_us(rt, frames: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        for k in COUNTS:
            COUNTS[k] = 0
        t0 = time.perf_counter()
        for _ in range(frames):
            rt.step()
        best = min(best, (time.perf_counter() - t0) / frames)
    return best * 1e6


def measure(name: str, frames: int, repeat: int) -> tuple[float, float, dict]:
    """(us per frame with the emulated work, us per frame host only, GPU calls per frame)."""
    rt = _warm_runtime(name)
    us = _best_us(rt, frames, repeat)
    counts = {k: v / frames for k, v in COUNTS.items()}
    SKIP_WORK[0] = True
    try:
        host_us = _best_us(rt, frames, repeat)
    finally:
        SKIP_WORK[0] = False
    return us, host_us, counts


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("presets", nargs="*", default=list(DEFAULT))
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--frames", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--plan", action="store_true",
                    help="instead: what a CUDA-graph capture of the frame would face")
    args = ap.parse_args(argv)
    if cuda_host.compiler() is None:
        print("needs a host C++ compiler (g++) to emulate the CUDA kernels")
        return 2
    names = sorted(p.stem for p in (ROOT / "graphs").glob("*.graph")) if args.all else args.presets
    if args.plan:
        for name in names:
            print(plan_report(name), flush=True)
        return 0
    print("per frame, one engine step, 16 x 16 grid, kernels emulated on the host:")
    print(f"{'preset':14s} {'us':>6s} {'host us':>8s} {'kernels':>8s} {'FFTs':>5s} "
          f"{'array ops':>10s} {'GPU calls':>10s}")
    for name in names:
        us, host_us, c = measure(name, args.frames, args.repeat)
        total = sum(c.values())
        print(f"{name:14s} {us:6.0f} {host_us:8.0f} {c['kernels']:8.1f} {c['ffts']:5.1f} "
              f"{c['array_ops']:10.1f} {total:10.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
