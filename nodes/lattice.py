"""Advection on the 512 lattice: a finer grid's transport blurs as a 512 grid's does.

An engine moves its world along a flow every step by a bilinear backward trace.  Each
trace blurs: a pixel traced to a fraction f between two pixels becomes their (1 - f, f)
mix, a spread of variance f (1 - f) px^2 per axis a step.  That spread is per pixel,
while the presets' sizes and flows are given at 512 and scale with the grid, so on a
grid s times finer the blur is s^2 times weaker relative to the organism (16x at 2048).
SmoothLife lives on it: sl_worms' rings break into worms at 512 within ~50 frames, but
at 2048 they stay whole rings for 200 frames and the organism stops growing
(benchmarks/worms_scale.py prints the figures).

Here the trace of a grid s times finer interpolates between pixels ``k = round(s)`` px
apart, the 512 lattice's pixels: the same displacement, the 512 trace's (1 - f, f) weights
and spread, in 512 px.  It is the plain bilinear trace run on each of the k x k sub-grids
of every k-th pixel (a torus of its own when k divides both sides) with the flow / k, so
every backend runs it with its own ``advect`` kernel.  ``k`` is 1 up to 767 px (512 and
smaller are unchanged, bit for bit), 2 at 1024, 4 at 2048; a k that does not divide both
sides falls to the largest one that does.

Qt-free; used by ``nodes.library.engines``.
"""

from __future__ import annotations

import numpy as np

#: the grid side the lattice is the pixel of (the presets' tuning size)
TUNED = 512


def spacing(size: int, shape) -> int:
    """The lattice spacing in px for a grid whose shorter side is ``size`` and whose array
    shape is ``shape`` (h, w): round(size / 512), at least 1, lowered until it divides
    both sides."""
    h, w = int(shape[0]), int(shape[1])
    k = max(1, int(np.floor(size / TUNED + 0.5)))
    while k > 1 and (h % k or w % k):
        k -= 1
    return k


class LatticeAdvect:
    """``advect(src, flow, out)`` on the lattice of spacing ``k``; keeps the flow's k x k
    sub-grids (a flow is static work: the same array frame after frame) and the work
    arrays, beside a node's state (static work, not state)."""

    def __init__(self):
        self._flow = None
        self._subs: list = []
        self._work = None

    def _flow_subs(self, xp, flow, k: int) -> list:
        if self._flow is not flow or len(self._subs) != k * k:
            self._subs = [xp.ascontiguousarray(flow[:, ry::k, rx::k])
                          for ry in range(k) for rx in range(k)]
            self._flow = flow
        return self._subs

    def advect(self, be, src, flow, out, k: int):
        """``out`` = ``src`` traced back along ``flow`` (px per step) between pixels ``k``
        px apart; ``k == 1`` is the backend's ``advect`` itself."""
        if k <= 1:
            return be.k.advect(src, flow, 1.0, out=out)
        xp = be.xp
        h, w = src.shape
        subs = self._flow_subs(xp, flow, k)
        shape = (h // k, w // k)
        if self._work is None or self._work[0].shape != shape:
            self._work = (xp.empty(shape, np.float32), xp.empty(shape, np.float32))
        part, moved = self._work
        scale = 1.0 / k
        i = 0
        for ry in range(k):
            for rx in range(k):
                part[...] = src[ry::k, rx::k]
                be.k.advect(part, subs[i], scale, out=moved)
                out[ry::k, rx::k] = moved
                i += 1
        return out


__all__ = ["LatticeAdvect", "TUNED", "spacing"]
