"""Does a Lenia preset keep its look at 1024 / 2048, with and without the 512-lattice trace?

Issue 15 part 1: heartbeat at 2048 looked "fuller and paler" than at 512.  SmoothLife traces
its flow on the 512 lattice on finer grids (nodes.lattice); this runs a Lenia graph (the
whole graph: its colour nodes keep state, so the colour frame needs every frame) at each
size with the per-pixel trace ("pixel", Lenia's default) and with the lattice trace
("lattice": ``Lenia.lattice_advection = True`` for the run), and at each frame asked for
reads the colour frame and the engine's world at the grid's own resolution (area shares do
not depend on it: a field drawn s times finer covers the same share) and, for the ``@512``
columns and the pictures, box-averaged to 512:

colour frame (RGB in [0, 1]):

* ``lit``: share of the frame with max(R, G, B) > 0.1 (the organism and its glow);
* ``hot``: share of the lit pixels with a channel > 0.9 ("paler": washed towards white);
* ``sat``: mean HSV saturation (max - min) / max of the lit pixels;

engine world A:

* ``cover``: share of the grid with A > 0.5;
* ``full``: share of the living pixels (A > 0.05) with A > 0.9;
* ``edge``: mean |grad A| (per 512 px, periodic central differences) over the living
  pixels: thin, detailed structure is high, solid blobs are low;
* ``hot@512``, ``full@512``: ``hot`` and ``full`` of the frame and world box-averaged to
  512 (what the picture looks like shown at 512);
* ``edge@512``: ``edge`` with the differences taken between the 512 lattice's pixels
  (``nodes.lattice.spacing`` px apart, as Colour Signals' edges): the world's structure at
  the 512 scale, without what it has finer than a 512 pixel.

    python benchmarks/lenia_scale.py [graphs...] [--sizes 512 1024 2048]
        [--frames 150 180 210] [--modes pixel lattice] [--save DIR]

Frames are simulation frames (a take's frame f is simulation frame f + 90, the pre-roll).
At 512 and below the two traces are the same (spacing 1), so 512 runs once.  ``--save DIR``
writes each measured colour frame (at 512) as a PNG and, per graph, a sheet of the last
frame: 512 | each other size and mode, left to right.

Measured 2026-12-03 (numpy, graph seed, mean over frames 150 / 180 / 210), hot / full /
edge / lit at 512, then pixel -> lattice at 1024 and at 2048:

    heartbeat  512  0.088 0.202 0.294 0.222
               1024 0.151 0.333 0.455 0.195 -> 0.095 0.196 0.344 0.224
               2048 0.288 0.469 0.539 0.176 -> 0.150 0.196 0.362 0.223
    amoeba     512  0.419 0.216 0.166 0.234
               1024 0.496 0.346 0.209 0.178 -> 0.409 0.210 0.173 0.212
               2048 0.564 0.442 0.238 0.195 -> 0.441 0.203 0.175 0.253
    coral      512  0.247 0.114 0.254 0.130
               1024 0.371 0.240 0.387 0.115 -> 0.261 0.123 0.288 0.129
               2048 0.422 0.361 0.453 0.103 -> 0.231 0.120 0.296 0.132
    nebula     512  0.145 0.307 0.214 0.144
               1024 0.237 0.371 0.243 0.138 -> 0.192 0.311 0.228 0.143
               2048 0.288 0.432 0.268 0.132 -> 0.214 0.320 0.240 0.137

Lenia traces on the lattice since (``--modes pixel`` runs the old per-pixel trace).

Heartbeat still went hot at 2048 on the lattice (0.154 against 0.088) with its world's
measures at 512's: Colour Signals took its edges 1 px apart and normalised them by their
peak, which a Lenia world's clipped fronts (a step within a pixel or two at every size)
hold at ~1.4 per pixel, while a flank's gradient per pixel falls as 1 / s.  At 2048 the
edge term over the organism was 0.17 of the peak against 0.42 at 512, so t slid along the
palette and more of the dense pixels landed on ember's bright end.  With the edges taken
between the 512 lattice's pixels (``colour.edge_spacing``) the term's distribution is
512's (mean 0.42, 99.9th percentile 1.317 at both).  Means of seeds 0-4 (``--seed``), each
the mean over frames 150 / 180 / 210: hot 1 px apart -> on the lattice, then full / edge /
edge@512 / lit:

    heartbeat  512  0.091            0.198 0.294 0.294 0.223
               1024 0.108 -> 0.083   0.201 0.339 0.292 0.223
               2048 0.134 -> 0.086   0.205 0.358 0.292 0.222
    amoeba     512  0.421            0.210 0.164 0.164 0.223
               1024 0.421 -> 0.404   0.207 0.168 0.162 0.212
               2048 0.426 -> 0.390   0.204 0.173 0.164 0.227
    coral      512  0.243            0.119 0.254 0.254 0.131
               1024 0.248 -> 0.254   0.124 0.282 0.250 0.130
               2048 0.242 -> 0.252   0.121 0.298 0.255 0.130
    nebula     512  0.152            0.308 0.214 0.214 0.142
               1024 0.179 -> 0.155   0.314 0.228 0.215 0.141
               2048 0.193 -> 0.157   0.311 0.233 0.214 0.143

(only hot moves: the world does not see its colours).  The seeds spread hot widely at
512 (heartbeat 0.031-0.113, amoeba 0.379-0.449): one seed's figure is not a verdict.
``edge`` above 512's at 1024 and 2048 is structure finer than a 512 pixel (~20 % of the
2048 world's gradient energy lies above the 512 grid's Nyquist frequency: its clipped
fronts stay a pixel sharp); at the 512 scale (``edge@512``) the worlds are 512's.
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
from nodes import lattice  # noqa: E402

READ = 512
LIT = 0.1
HOT = 0.9
ALIVE = 0.05


def box(a: np.ndarray, n: int = READ) -> np.ndarray:
    k = a.shape[0] // n
    if k <= 1:
        return a
    return a.reshape(n, k, n, k, *a.shape[2:]).mean(axis=(1, 3))


def colour_stats(rgb: np.ndarray) -> dict:
    mx, mn = rgb.max(axis=2), rgb.min(axis=2)
    lit = mx > LIT
    n = max(int(lit.sum()), 1)
    return {"lit": float(lit.mean()),
            "hot": float((lit & (mx > HOT)).sum()) / n,
            "sat": float(((mx - mn) / np.maximum(mx, 1e-6))[lit].sum()) / n}


def edge(a: np.ndarray, alive: np.ndarray, k: int = 1) -> float:
    """Mean |grad a| in px^-1 over ``alive``, central differences between pixels k apart."""
    gy = (np.roll(a, -k, 0) - np.roll(a, k, 0)) * (0.5 / k)
    gx = (np.roll(a, -k, 1) - np.roll(a, k, 1)) * (0.5 / k)
    return float(np.hypot(gy, gx)[alive].sum()) / max(int(alive.sum()), 1)


def world_stats(a: np.ndarray, per512: float = 1.0) -> dict:
    alive = a > ALIVE
    n = max(int(alive.sum()), 1)
    return {"cover": float((a > 0.5).mean()),
            "full": float((alive & (a > HOT)).sum()) / n,
            "edge": edge(a, alive) * per512}


KEYS = ("lit", "hot", "sat", "cover", "full", "edge", "hot@512", "full@512", "edge@512")


def stats(rgb: np.ndarray, world: np.ndarray) -> dict:
    """The measures of a colour frame and world at their own resolution, and @512."""
    per512 = world.shape[0] / READ
    r = {**colour_stats(rgb), **world_stats(world, per512)}
    r["hot@512"] = colour_stats(box(rgb))["hot"]
    r["full@512"] = world_stats(box(world))["full"]
    r["edge@512"] = edge(world, world > ALIVE, lattice.spacing(world.shape[0])) * per512
    return r


def engine_id(graph) -> str:
    return next(n.id for n in graph.nodes.values() if n.type.startswith("engine."))


def run(path: Path, size: int, frames, mode: str, seed: int | None = None):
    """Yield (frame, colour frame, world) at each frame in ``frames``."""
    from nodes.library import engines

    g = nodes.load(path)
    eid = engine_id(g)
    cls = next(c for c in engines.Engine.__subclasses__() if c.type_id == g.nodes[eid].type)
    old = cls.__dict__.get("lattice_advection")
    cls.lattice_advection = mode == "lattice"
    try:
        rt = nodes.Runtime(g, backend="numpy", size=size, seed=seed, targets=(eid,))
        want = sorted(frames)
        for f in range(want[-1] + 1):
            rt.step()
            if f in want:
                yield (f, np.asarray(rt.output_host(), np.float32),
                       np.asarray(rt.value(eid, "field"), np.float32))
    finally:
        if old is None:
            del cls.lattice_advection
        else:
            cls.lattice_advection = old


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("graphs", nargs="*", default=[str(ROOT / "graphs" / "heartbeat.graph")])
    ap.add_argument("--sizes", type=int, nargs="+", default=[512, 1024, 2048])
    ap.add_argument("--frames", type=int, nargs="+", default=[150, 180, 210])
    ap.add_argument("--modes", nargs="+", default=["pixel", "lattice"],
                    choices=["pixel", "lattice"])
    ap.add_argument("--seed", type=int)
    ap.add_argument("--save", help="folder for the colour frames (PNG at 512) and sheets")
    a = ap.parse_args(argv)
    out = Path(a.save) if a.save else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    for gpath in a.graphs:
        name = Path(gpath).stem
        print(f"{name}: per frame, then the mean over frames {' '.join(map(str, a.frames))}")
        print(f"{'size':>5s} {'mode':>7s} {'frame':>5s} " + " ".join(f"{k:>8s}" for k in KEYS))
        last = []
        for size in a.sizes:
            modes = a.modes if lattice.spacing(size) > 1 else ["pixel"]
            for mode in modes:
                t0 = time.perf_counter()
                rows = []
                img = None
                for f, rgb, w in run(Path(gpath), size, a.frames, mode, a.seed):
                    r = stats(rgb, w)
                    rows.append(r)
                    label = mode if lattice.spacing(size) > 1 else "-"
                    print(f"{size:5d} {label:>7s} {f:5d} "
                          + " ".join(f"{r[k]:8.3f}" for k in KEYS), flush=True)
                    img = (np.clip(box(rgb), 0, 1) * 255).astype(np.uint8)
                    if out:
                        from PIL import Image

                        Image.fromarray(img).save(out / f"{name}_{size}_{label}_f{f}.png")
                m = {k: float(np.mean([r[k] for r in rows])) for k in KEYS}
                print(f"{size:5d} {label:>7s}  mean "
                      + " ".join(f"{m[k]:8.3f}" for k in KEYS)
                      + f"   ({time.perf_counter() - t0:.0f} s)", flush=True)
                last.append(img)
        if out and last:
            from PIL import Image

            Image.fromarray(np.concatenate(last, axis=1)).save(out / f"{name}_sheet.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
