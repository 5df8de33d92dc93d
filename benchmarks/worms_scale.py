"""How far a SmoothLife graph has broken up into worms, at several grid sizes.

Runs only the engine's chain (the colour nodes are dropped: the Output is removed and the
engine is the target), from the graph's seed, and at the frames asked for box-averages the
engine's world down to 256 x 256 and measures it there, so every size is read on the same
grid:

* ``ring``: ringness, the share of the world's variance that is radial about the rings'
  centre: 1 for the seed's concentric rings, falling as they break into worms (sl_worms
  at 512: 0.50 at frame 50, 0.08 at frame 210);
* ``cover``: fraction of the grid above 0.5 (the worms grow outwards: 0.09 -> 0.135);
* ``comps``: connected pieces of A > 0.5 (8-connected) larger than 4 px at 256.

    python benchmarks/worms_scale.py [graph] [--sizes 512 1024 2048] [--frames 50 90 130 170 210]
        [--set node.param=value ...] [--save DIR]

Frames are simulation frames (a take's frame f is simulation frame f + 90, the pre-roll).
``--save DIR`` writes each measured world (at 256) as a PNG and an .npy.

sl_worms, ring at frames 50 / 90 / 130 / 170 / 210 (cover at 210), measured 2026-12-03:

    512                          0.50  0.42  0.31  0.13  0.08   (0.135)
    2048, per-pixel trace        0.72  0.53  0.51  0.53  0.46   (0.089)  --exp pixel
    2048, kernels drawn at 512   0.68  0.56  0.52  0.54  0.48   (0.089)  --exp pixel --exp kernel512
    2048, 512-lattice trace      0.40  0.34  0.27  0.22  0.07   (0.134)  (nodes.lattice)
    1024, per-pixel / lattice    0.38 / 0.34 ... 0.11 / 0.10    (0.136 / 0.149)

The other SmoothLife presets at frame 150, ring (cover) at 512 / 2048 per-pixel / 2048
lattice: sl_chaos 0.63 (0.195) / 0.77 (0.200) / 0.65 (0.194); sl_elastic 0.15 (0.182) /
0.10 (0.190) / 0.13 (0.183); sl_gliders 0.33 (0.175) / 0.21 (0.188) / 0.30 (0.193);
sl_pulse 0.09 (0.193) / 0.13 (0.161) / 0.10 (0.184).
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

READ = 256


def box(a: np.ndarray, n: int = READ) -> np.ndarray:
    k = a.shape[0] // n
    return a.reshape(n, k, n, k).mean(axis=(1, 3))


def _ringness_at(a: np.ndarray, cy: float, cx: float, rmax: float, yy, xx) -> float:
    r = np.hypot(yy - cy, xx - cx)
    rb = (r / 2).astype(np.int64)  # 2-px rings
    nb = int(rmax // 2)
    sel = rb < nb
    v, b = a[sel], rb[sel]
    cnt = np.bincount(b, minlength=nb)
    s1 = np.bincount(b, v, minlength=nb)
    s2 = np.bincount(b, v * v, minlength=nb)
    within = (s2 - s1 * s1 / np.maximum(cnt, 1)).sum()
    return float(1.0 - within / max(v.var() * v.size, 1e-12))


def ringness(a: np.ndarray) -> float:
    """The share of the world's variance (within 95 % of its radius) that is radial: 1 for
    concentric rings, near 0 for worms; about the centre (searched +-16 px around the
    centre of mass) where it is highest."""
    h, w = a.shape
    yy, xx = np.mgrid[0:h, 0:w] + 0.5
    m = float(a.sum())
    if m <= 0 or not (a > 0.5).any():
        return 0.0
    cy, cx = float((a * yy).sum()) / m, float((a * xx).sum()) / m
    rmax = float(np.percentile(np.hypot(yy - cy, xx - cx)[a > 0.5], 95))
    return max(_ringness_at(a, cy + dy, cx + dx, rmax, yy, xx)
               for dy in range(-16, 17, 2) for dx in range(-16, 17, 2))


def measure(a: np.ndarray) -> dict:
    from scipy import ndimage

    m = a > 0.5
    lab, n = ndimage.label(m, structure=np.ones((3, 3)))
    sizes = np.bincount(lab.ravel())[1:] if n else np.zeros(0)
    return {"ring": ringness(a), "comps": int((sizes > 4).sum()),
            "cover": float(m.sum()) / m.size}


def coarse_kernel(small: np.ndarray, s: int) -> np.ndarray:
    """Experiment: a (2m+1)^2 kernel drawn at 512 carried to a grid s times finer as the
    512 kernel itself: its taps s px apart, each spread over an s x s box (centred: the
    box's end pixels at half weight, so the kernel stays odd-sized and centred)."""
    m = small.shape[0] // 2
    n = 2 * m * s + 1
    sparse = np.zeros((n, n))
    sparse[::s, ::s] = small
    b = np.ones(s + 1)
    b[0] = b[-1] = 0.5
    b /= s
    full = np.zeros((n + s, n + s))
    full[s // 2:s // 2 + n, s // 2:s // 2 + n] = sparse
    from scipy.ndimage import convolve1d

    full = convolve1d(convolve1d(full, b, axis=0, mode="constant"), b, axis=1, mode="constant")
    return full


def patch_kernels(s: float) -> None:
    from nodes.library import engines

    k = int(round(s))
    orig = engines.smoothlife_kernels

    def kernels(ri, ra):
        inner, outer = orig(ri / k, ra / k)
        return coarse_kernel(inner, k), coarse_kernel(outer, k)

    engines.smoothlife_kernels = kernels


def engine_id(graph) -> str:
    return next(n.id for n in graph.nodes.values() if n.type.startswith("engine."))


def worlds(path: Path, size: int, frames, sets=(), seed: int | None = None, exp=()):
    """Yield (frame, world box-averaged to 256) at each frame in ``frames``."""
    g = nodes.load(path)
    eid = engine_id(g)
    for nid in [n.id for n in g.nodes.values() if n.type == "out.output"]:
        g.remove_node(nid)
    rt = nodes.Runtime(g, backend="numpy", size=size, seed=seed, targets=(eid,))
    for s in sets:
        name, val = s.split("=", 1)
        nid, param = name.split(".", 1)
        rt.set_param(nid, param, float(val))
    if "pixel" in exp:  # the trace on every pixel, as before nodes.lattice
        from nodes.library.engines import Engine

        for node in rt.nodes.values():
            if isinstance(node, Engine):
                node.lattice_advection = False
    if "kernel512" in exp and rt.ctx.res_scale > 1:
        patch_kernels(rt.ctx.res_scale)
    want = sorted(frames)
    for f in range(want[-1] + 1):
        rt.step()
        if f in want:
            yield f, box(np.asarray(rt.value(eid, "field"), np.float32))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("graph", nargs="?", default=str(ROOT / "graphs" / "sl_worms.graph"))
    ap.add_argument("--sizes", type=int, nargs="+", default=[512, 1024, 2048])
    ap.add_argument("--frames", type=int, nargs="+", default=[50, 90, 130, 170, 210])
    ap.add_argument("--set", action="append", default=[], metavar="NODE.PARAM=VALUE")
    ap.add_argument("--seed", type=int)
    ap.add_argument("--exp", action="append", default=[], help="experiments: 'pixel' (trace every pixel: "
                    "SmoothLife before nodes.lattice), 'kernel512' (SmoothLife's kernels drawn at "
                    "512 and carried to the grid as the 512 kernel)")
    ap.add_argument("--save", help="folder for the measured worlds (PNG at 256 and .npy)")
    a = ap.parse_args(argv)
    out = Path(a.save) if a.save else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    print(f"{Path(a.graph).stem}  {' '.join(a.set)} {' '.join(a.exp)}")
    print(f"{'size':>5s} {'frame':>5s} {'ring':>5s} {'cover':>6s} {'comps':>5s}")
    for size in a.sizes:
        t0 = time.perf_counter()
        for f, w in worlds(Path(a.graph), size, a.frames, a.set, a.seed, a.exp):
            r = measure(w)
            print(f"{size:5d} {f:5d} {r['ring']:5.2f} {r['cover']:6.3f} {r['comps']:5d}",
                  flush=True)
            if out:
                tag = f"{Path(a.graph).stem}{''.join('_' + e for e in a.exp)}_{size}_f{f}"
                np.save(out / f"{tag}.npy", w)
                from PIL import Image

                Image.fromarray((np.clip(w, 0, 1) * 255).astype(np.uint8)).save(
                    out / f"{tag}.png")
        print(f"      ({size}: {time.perf_counter() - t0:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
