"""The organism measured each frame, and those measures sent on to Krea Realtime.

*Measure Organism* turns a field into five scalars any node can use (an LFO's
depth, a flow strength, ...): mean brightness, coverage, motion energy and the
centroid.  The statistics are array code written once for NumPy and CuPy
(:func:`field_stats`); on the device they are read back asynchronously, so the
values a frame sees are those of the previous frame on every backend (the same
one-frame lag as the Coverage Manager), and a frame never waits for the host.
:func:`field_stats_ref` is the plain NumPy reference the tests compare against.

*Krea Parameters* takes scalars in 0..1 and maps each onto one of Krea Realtime's
runtime parameters, clamped to Krea's own range and rate-limited; the exported
Scope plugin adds them as extra keys of its output, which Scope forwards to the
pipeline downstream (Krea) as parameters.  Its ``enabled`` switch can be published
so the artist can turn the steering off.
"""

from __future__ import annotations

import math

import numpy as np

from ..spec import B, F, Context, Kind, Node, Port

f32 = np.float32

#: Krea Realtime's runtime parameters and their ranges (Scope 0.2.4: Krea's config
#: schema marks noise_scale and noise_controller runtime; its pipeline also takes
#: kv_cache_attention_bias and vace_context_scale per call, as Scope's OSC/DMX lists do)
KREA_RUNTIME = {
    "noise_scale": (0.0, 1.0),
    "kv_cache_attention_bias": (0.01, 1.0),
    "vace_context_scale": (0.0, 2.0),
}

#: where the runtime collects what a frame sends downstream (``ctx.stats[DOWNSTREAM]``)
DOWNSTREAM = "downstream"


def field_stats(xp, a, prev, gate: float, out):
    """[brightness, coverage, motion, centroid x, centroid y] of field ``a`` into
    ``out`` (5 float32 on ``a``'s device).  ``prev`` is the previous frame's field
    (motion is 0 without one).  Centroid in 0..1 of the width/height, 0.5 when empty."""
    n_y, n_x = a.shape
    clipped = xp.clip(a, 0.0, 1.0)
    mass = clipped.sum(dtype=xp.float32)
    out[0] = mass / f32(a.size)
    out[1] = (a > f32(gate)).mean(dtype=xp.float32)
    out[2] = 0.0 if prev is None else xp.abs(a - prev).mean(dtype=xp.float32)
    col = clipped.sum(axis=0, dtype=xp.float32)
    row = clipped.sum(axis=1, dtype=xp.float32)
    xs = (xp.arange(n_x, dtype=xp.float32) + f32(0.5)) / f32(n_x)
    ys = (xp.arange(n_y, dtype=xp.float32) + f32(0.5)) / f32(n_y)
    safe = xp.maximum(mass, f32(1e-12))
    empty = mass <= f32(1e-12)
    out[3] = xp.where(empty, f32(0.5), (col * xs).sum(dtype=xp.float32) / safe)
    out[4] = xp.where(empty, f32(0.5), (row * ys).sum(dtype=xp.float32) / safe)
    return out


def field_stats_ref(a: np.ndarray, prev: np.ndarray | None, gate: float) -> np.ndarray:
    """Plain NumPy reference of :func:`field_stats` (float64 loops over the axes)."""
    a = np.asarray(a, dtype=np.float64)
    c = np.clip(a, 0, 1)
    mass = c.sum()
    n_y, n_x = a.shape
    if mass <= 1e-12:
        cx = cy = 0.5
    else:
        cx = sum(c[:, i].sum() * (i + 0.5) / n_x for i in range(n_x)) / mass
        cy = sum(c[j, :].sum() * (j + 0.5) / n_y for j in range(n_y)) / mass
    motion = 0.0 if prev is None else float(np.abs(a - np.asarray(prev, np.float64)).mean())
    return np.array([mass / a.size, (a > gate).mean(), motion, cx, cy])


class Measure(Node):
    type_id = "analysis.measure"
    title = "Measure Organism"
    category = "Analysis"
    doc = ("Measures a field each frame: mean brightness, coverage (share above the "
           "threshold), motion energy (mean change since the last frame, times gain), and the "
           "centroid (0..1 across and down). Values lag one frame (read back without "
           "stalling the GPU) and are smoothed over `smooth` seconds.")
    inputs = (Port("field", Kind.FIELD),)
    outputs = (Port("brightness", Kind.SCALAR), Port("coverage", Kind.SCALAR),
               Port("motion", Kind.SCALAR), Port("centroid_x", Kind.SCALAR),
               Port("centroid_y", Kind.SCALAR))
    params = (
        F("gate", 0.1, 0.0, 1.0, label="Coverage threshold"),
        F("motion_gain", 20.0, 0.0, 1000.0, doc="motion energy is small: scale it up"),
        F("smooth", 0.0, 0.0, 10.0, label="Smoothing (s)"),
    )
    NAMES = ("brightness", "coverage", "motion", "centroid_x", "centroid_y")

    def process(self, ctx: Context, inputs, params):
        a = inputs["field"]
        st = self.state
        be, xp = ctx.backend, ctx.xp
        pending = st.get("pending")
        raw = pending.get().astype(np.float64) if pending is not None else np.zeros(5)
        if pending is None:
            raw[3] = raw[4] = 0.5
        raw[2] *= params["motion_gain"]
        # exponential smoothing with a time constant in seconds (frame-rate independent)
        tau = params["smooth"]
        prev_out = st.get("out")
        if tau > 0 and prev_out is not None:
            k = 1.0 - math.exp(-ctx.dt / tau)
            raw = prev_out + (raw - prev_out) * k
        st["out"] = raw
        if a is not None:
            buf = st.get("buf")
            if buf is None or buf.shape != (5,):
                buf = st["buf"] = xp.zeros(5, dtype=xp.float32)
            prev = st.get("prev")
            field_stats(xp, a, prev, params["gate"], buf)
            st["pending"] = be.readback(buf, into=pending)
            if prev is None or prev.shape != a.shape:
                prev = st["prev"] = xp.empty_like(a)
            prev[...] = a
        return {name: float(v) for name, v in zip(self.NAMES, raw)}


def _rate_ok(state: dict, key: str, now: float, value: float, max_rate: float) -> bool:
    last = state.setdefault("sent", {}).get(key)
    if last is not None:
        t, v = last
        if value == v or (max_rate > 0 and now - t < 1.0 / max_rate):
            return False
    state["sent"][key] = (now, value)
    return True


class KreaParams(Node):
    type_id = "out.krea_params"
    title = "Krea Parameters"
    category = "Output"
    doc = ("Sends scalars to Krea Realtime's runtime parameters through Scope: each input "
           "(0..1) is mapped onto its min..max, clamped to Krea's range and sent at most "
           "`max_rate` times a second, only when it changed. Driving noise_scale also turns "
           "Krea's noise controller off (it would override the value). Publish `enabled` so "
           "the artist can switch the steering off. Outside Scope it does nothing.")
    inputs = tuple(Port(k, Kind.SCALAR, optional=True) for k in KREA_RUNTIME)
    outputs = ()
    params = (
        B("enabled", True, label="Steer Krea"),
        F("max_rate", 4.0, 0.0, 30.0, label="Max updates / s", doc="0 = every frame"),
        *[p for k, (lo, hi) in KREA_RUNTIME.items()
          for p in (F(f"{k}_min", lo, lo, hi), F(f"{k}_max", hi, lo, hi))],
    )

    def process(self, ctx: Context, inputs, params):
        if not params["enabled"]:
            self.state.pop("sent", None)  # resend everything when switched back on
            return {}
        sent = ctx.stats.setdefault(DOWNSTREAM, {})
        for key, (lo, hi) in KREA_RUNTIME.items():
            x = inputs.get(key)
            if x is None or not math.isfinite(x):
                continue
            a, b = params[f"{key}_min"], params[f"{key}_max"]
            v = a + (b - a) * min(1.0, max(0.0, float(x)))
            v = round(min(hi, max(lo, v)), 4)
            if _rate_ok(self.state, key, ctx.time, v, params["max_rate"]):
                sent[key] = v
                if key == "noise_scale":
                    sent["noise_controller"] = False
        return {}


NODES = (Measure, KreaParams)
