"""Flow fields (vector fields in pixels per step) and advection.

Coordinates are normalised around the centre: x, y in [-1, 1] at the frame
edge, r = |(x, y)|.  The seven basis fields follow the prototype; strengths
are in [-1, 1] and the sum is scaled by ``speed`` pixels per step at 512 px
(scaled with the grid so motion looks the same at every resolution).
Vector fields are stored (vy, vx), y pointing down the image.
"""

from __future__ import annotations

import numpy as np

from ..spec import Context, E, F, Kind, Node, Port

BASES = ("radial", "rotate", "swirl", "bubble", "ring", "vortex", "vertical")


def basis(name: str, n: int, w: int | None = None) -> np.ndarray:
    """One unit-strength basis field as host float32 (2, n, n) = (vy, vx); with ``w`` on an
    n x w grid (height n, width w), shaped to the ellipse fitted to the frame: the field
    is drawn in the normalised coordinates (r = 1 at the frame edge) and carried to pixels
    by the frame's aspect, each vector keeping its length (rotation follows the ellipse,
    radial flow runs out along its rays)."""
    h = n
    w = n if w is None else w
    cy, cx = h / 2.0, w / 2.0
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    x = (xx + 0.5 - cx) / cx
    y = (yy + 0.5 - cy) / cy
    r = np.sqrt(x * x + y * y)
    rs = np.maximum(r, 1e-6)
    rx, ry = x / rs, y / rs
    tx, ty = -ry, rx
    if name == "radial":
        vx, vy = rx, ry
    elif name == "rotate":
        g = np.clip(r, 0, 1)
        vx, vy = tx * g, ty * g
    elif name == "swirl":
        b = np.clip(r, 0, 1)
        ux = tx * (1 - b / 2) + rx * (b / 2)
        uy = ty * (1 - b / 2) + ry * (b / 2)
        norm = np.maximum(np.sqrt(ux * ux + uy * uy), 1e-6)
        vx, vy = ux / norm * r, uy / norm * r
    elif name == "bubble":
        g = np.exp(-r * r / (2 * 0.3 ** 2))
        vx, vy = rx * g, ry * g
    elif name == "ring":
        g = np.sin(6 * np.pi * r)
        vx, vy = rx * g, ry * g
    elif name == "vortex":
        g = np.clip(r, 0, 1) ** 2
        vx, vy = tx * g, ty * g
    elif name == "vertical":
        vx, vy = np.zeros_like(r), np.ones_like(r)
    else:
        raise ValueError(name)
    if h != w and name != "vertical":
        c = min(cy, cx)
        px, py = vx * (cx / c), vy * (cy / c)
        mag = np.sqrt(vx * vx + vy * vy)
        pm = np.maximum(np.sqrt(px * px + py * py), 1e-12)
        vx, vy = px * (mag / pm), py * (mag / pm)
    return np.stack([vy, vx]).astype(np.float32)


class _FlowBase(Node):
    category = "Flow"

    def _bases(self, ctx: Context):
        key = (ctx.shape, ctx.backend.name)
        return self.memo("bases", key, lambda: ctx.backend.asarray(
            np.stack([basis(b, *ctx.shape) for b in BASES])))


class FlowMix(_FlowBase):
    type_id = "flow.mix"
    title = "Flow Field"
    doc = ("Weighted sum of the seven flow fields: radial (out), rotate, swirl, bubble, ring "
           "(alternating bands), vortex, vertical (down). Negative strengths reverse them.")
    outputs = (Port("flow", Kind.VFIELD),)
    params = (
        *(F(b, 0.0, -1.0, 1.0, label=b.capitalize()) for b in BASES),
        F("speed", 0.8, 0.0, 8.0, label="Speed (px/step @512)"),
    )

    def process(self, ctx, inputs, params):
        weights = tuple(params[b] for b in BASES)
        scale = params["speed"] * ctx.res_scale
        key = (weights, scale, ctx.shape, ctx.backend.name)

        def build():
            xp = ctx.xp
            bases = self._bases(ctx)
            v = xp.zeros((2, *ctx.shape), np.float32)
            for w, b in zip(weights, bases):
                if abs(w) >= 1e-3:
                    v += np.float32(w * scale) * b
            return v

        return {"flow": self.memo("sum", key, build)}


class FlowBasis(_FlowBase):
    type_id = "flow.basis"
    title = "Flow Basis"
    doc = "One of the seven flow fields at a given strength (px/step @512)."
    outputs = (Port("flow", Kind.VFIELD),)
    params = (E("shape", "rotate", BASES), F("strength", 0.8, -8.0, 8.0))

    def process(self, ctx, inputs, params):
        i = BASES.index(params["shape"])
        s = np.float32(params["strength"] * ctx.res_scale)
        key = (i, float(s), ctx.shape, ctx.backend.name)
        return {"flow": self.memo("field", key, lambda: self._bases(ctx)[i] * s)}


class FlowAdd(_FlowBase):
    type_id = "flow.add"
    title = "Flow Add"
    doc = "a * A + b * B."
    inputs = (Port("a", Kind.VFIELD), Port("b", Kind.VFIELD, optional=True))
    outputs = (Port("flow", Kind.VFIELD),)
    params = (F("gain_a", 1.0, -4.0, 4.0), F("gain_b", 1.0, -4.0, 4.0))

    def process(self, ctx, inputs, params):
        a = inputs["a"] * np.float32(params["gain_a"])
        if inputs.get("b") is not None:
            a = a + inputs["b"] * np.float32(params["gain_b"])
        return {"flow": a}


class Advect(Node):
    type_id = "flow.advect"
    title = "Advect"
    category = "Flow"
    doc = ("Semi-Lagrangian transport of a field along a flow (bilinear, periodic). Engines "
           "advect their own world every step when a flow is linked to them; this node moves "
           "any other field once per frame.")
    inputs = (Port("field", Kind.FIELD), Port("flow", Kind.VFIELD))
    outputs = (Port("field", Kind.FIELD),)
    params = (F("amount", 1.0, -8.0, 8.0),)

    def process(self, ctx, inputs, params):
        out = ctx.xp.empty_like(inputs["field"])
        ctx.backend.k.advect(inputs["field"], inputs["flow"], params["amount"], out=out)
        return {"field": out}


NODES = (FlowMix, FlowBasis, FlowAdd, Advect)
