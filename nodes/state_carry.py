"""Carry a running organism from one :class:`~nodes.evaluator.Runtime` into another.

The editor's preview rebuilds its runtime when the preview size or the output frame
changes (both are fixed per runtime).  Rather than restart the organism, the new runtime
takes over the old one's clock (frame counter, time, pre-roll done) and every node's
state; arrays on the simulation grid (``size x size``, leading or trailing axes) are
resampled to the new grid, bilinearly and wrapping around the edges as the torus the
engines simulate on does.  Qt-free; used by ``graph_app.editor.preview``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .evaluator import Runtime


def _shape_hw(rt: Runtime) -> tuple[int, int]:
    """The simulation grid of a runtime as an array shape (height, width)."""
    grid = getattr(rt, "grid", None)
    if grid is None:  # square-only runtimes
        return rt.size, rt.size
    gw, gh = grid
    return int(gh), int(gw)


def _grid_axes(a, hw: tuple[int, int]) -> tuple[int, int] | None:
    shape = getattr(a, "shape", None)
    if shape is None or len(shape) < 2:
        return None
    if tuple(shape[:2]) == tuple(hw):
        return 0, 1
    if tuple(shape[-2:]) == tuple(hw):
        return len(shape) - 2, len(shape) - 1
    return None


def resample(a: np.ndarray, old, new) -> np.ndarray:
    """``a`` with its grid axes (``old``: ``(height, width)``, or one number for a square)
    resampled to the ``new`` grid (host NumPy in, host NumPy out; other axes and the dtype
    kept).  An array not on the ``old`` grid comes back as a copy."""
    old = (old, old) if np.isscalar(old) else tuple(old)
    new = (new, new) if np.isscalar(new) else tuple(new)
    axes = _grid_axes(a, old)
    if axes is None or old == new:
        return np.array(a, copy=True)
    from scipy import ndimage

    zoom = [1.0] * a.ndim
    zoom[axes[0]], zoom[axes[1]] = new[0] / old[0], new[1] / old[1]
    src = a.astype(np.float32) if a.dtype.kind not in "fc" else a
    out = ndimage.zoom(src, zoom, order=1 if a.dtype.kind in "fc" else 0,
                       mode="grid-wrap", grid_mode=True)
    # zoom rounds the output shape: make the grid axes exactly the new grid
    for ax, n in zip(axes, new):
        if out.shape[ax] > n:
            out = np.take(out, range(n), axis=ax)
        elif out.shape[ax] < n:
            pad = [(0, 0)] * a.ndim
            pad[ax] = (0, n - out.shape[ax])
            out = np.pad(out, pad, mode="wrap")
    return out.astype(a.dtype, copy=False)


def _carry_value(v: Any, old: Runtime, new: Runtime) -> Any:
    hw_old = _shape_hw(old)
    if _grid_axes(v, hw_old) is None:
        return v
    out = resample(old.be.to_host(v), hw_old, _shape_hw(new))
    return new.be.asarray(out, dtype=out.dtype)


def carry_over(old: Runtime, new: Runtime) -> int:
    """Give ``new`` (freshly built for the same graph, maybe at another size or frame)
    the state of ``old``: the clock, the seed and, node by node (same id and type), the
    dynamic state, grid arrays resampled.  Returns how many nodes took state over."""
    new.seed = old.seed
    new.frame, new.shown = old.frame, old.shown
    new._clock = old._clock
    new._rolled = old._rolled
    if new.fps != old.fps:
        new.set_fps(old.fps)
    carried = 0
    for nid, inst in new._instances.items():
        prev = old._instances.get(nid)
        if prev is None or type(prev) is not type(inst):
            continue
        inst.seed = prev.seed
        inst.state = {k: _carry_value(v, old, new) for k, v in prev.state.items()}
        carried += bool(inst.state)
    keep = set(new._instances)
    for src, dst in ((old.values, new.values), (old._prev_values, new._prev_values)):
        dst.clear()
        for key, v in src.items():
            if key[0] in keep:
                dst[key] = _carry_value(v, old, new)
    return carried
