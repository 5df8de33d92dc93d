"""Life support: containment, the Gray-Scott feed ramp, perturbation, coverage.

These nodes describe *how* an engine is kept alive and framed; the engine
applies them at the right moment of its step loop (containment and
perturbation fused in one pass after every step, coverage once per frame).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..spec import Context, F, I, Kind, Node, Port
from .seeds import cluster_patch

f32 = np.float32


def radius_grid(n, w: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Normalised (x, y, r) around the centre of an n x n grid (or, with ``w``, an n x w
    one: height n, width w); r = 1 at the frame edge, so on a rectangular grid the circles
    of constant r are ellipses fitted to the frame."""
    h = n
    w = n if w is None else w
    cy, cx = h / 2.0, w / 2.0
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    x = (xx + 0.5 - cx) / cx
    y = (yy + 0.5 - cy) / cy
    return x, y, np.sqrt(x * x + y * y)


def frame_radius(h: int, w: int, roundness: float = 2.0) -> np.ndarray:
    """r of :func:`radius_grid` measured with the exponent ``roundness``:
    ``(|x|^p + |y|^p)^(1/p)``; 2 is the ellipse (a disc on a square grid) bit for bit,
    higher values square it towards a rounded rectangle fitted to the frame (its corners
    filled too)."""
    x, y, r = radius_grid(h, w)
    p = float(roundness)
    if p == 2.0:
        return r
    return (np.abs(x) ** p + np.abs(y) ** p) ** (1.0 / p)


ROUNDNESS_DOC = ("shape of the contours of r: 2 an ellipse fitted to the frame (a disc on a "
                 "square grid), higher a rounded rectangle that fills the frame's corners")


def ramp(r: np.ndarray, r0: float, r1: float) -> np.ndarray:
    return np.clip((r - r0) / max(r1 - r0, 1e-6), 0.0, 1.0)


class Containment(Node):
    type_id = "life.containment"
    title = "Radial Containment"
    category = "Life Support"
    doc = ("Mask multiplied into the world every step: 1 inside r0, falling linearly to "
           "(1 - loss) at r1 and beyond (r = 1 at the frame edge: on a rectangular grid an "
           "ellipse fitted to the frame; 'roundness' above 2 makes it a rounded rectangle). "
           "Keeps the organism framed.")
    outputs = (Port("mask", Kind.FIELD),)
    params = (F("r0", 0.35, 0.0, 1.5, structural=True), F("r1", 0.65, 0.0, 1.5, structural=True),
              F("loss", 0.05, 0.0, 1.0, structural=True, label="Loss per step"),
              F("roundness", 2.0, 2.0, 12.0, structural=True, label="Roundness",
                doc=ROUNDNESS_DOC))

    def process(self, ctx, inputs, params):
        key = (params["r0"], params["r1"], params["loss"], params["roundness"], ctx.shape,
               ctx.backend.name)

        def build():
            r = frame_radius(*ctx.shape, params["roundness"])
            return ctx.backend.asarray(1.0 - params["loss"] * ramp(r, params["r0"], params["r1"]))

        return {"mask": self.memo("mask", key, build)}


class FeedRamp(Node):
    type_id = "life.feed_ramp"
    title = "Feed Ramp"
    category = "Life Support"
    doc = ("Gray-Scott containment: a feed multiplier of 1 inside r0 rising to 'gain' at r1, "
           "so the pattern starves near the frame edge.")
    outputs = (Port("feed_map", Kind.FIELD),)
    params = (F("r0", 0.40, 0.0, 1.5, structural=True), F("r1", 0.70, 0.0, 1.5, structural=True),
              F("gain", 5.0, 1.0, 20.0, structural=True),
              F("roundness", 2.0, 2.0, 12.0, structural=True, label="Roundness",
                doc=ROUNDNESS_DOC))

    def process(self, ctx, inputs, params):
        key = (params["r0"], params["r1"], params["gain"], params["roundness"], ctx.shape,
               ctx.backend.name)

        def build():
            r = frame_radius(*ctx.shape, params["roundness"])
            return ctx.backend.asarray(1.0 + (params["gain"] - 1) * ramp(r, params["r0"],
                                                                         params["r1"]))

        return {"feed_map": self.memo("ramp", key, build)}


POOL = 8


@dataclass
class PerturbPlan:
    noise: Any  # (POOL, n, n) standard normal, backend array
    centre: Any | None  # centre-noise amplitude field
    stir_x: Any | None
    stir_y: Any | None
    vel_amp: float
    every: int
    still: float
    gate: float
    stir_speed: float

    def step_args(self, engine: Node, shape, contain) -> tuple:
        """This step's post-step arguments after (field, prev): the noise draw and stir
        phase advance the engine's random state, once per engine step."""
        st = engine.state
        rng = st["rng"]
        step = st.get("step", 0)
        phase = st.get("stir_phase", 0.0)
        st["stir_phase"] = (phase + self.stir_speed) % (2 * np.pi)
        i = int(rng.integers(POOL))
        h, w = (shape, shape) if isinstance(shape, (int, np.integer)) else shape
        if h == w:  # (a square grid draws as it always did)
            oy1, ox1, oy2, ox2 = (int(v) for v in rng.integers(0, h, 4))
        else:
            oy1, ox1, oy2, ox2 = (int(v) for v in rng.integers(0, (h, w, h, w)))
        vel = self.vel_amp if (self.every > 0 and step % self.every == 0) else 0.0
        return (contain, self.noise[i], oy1, ox1, oy2, ox2, self.centre, self.stir_x,
                self.stir_y, float(np.cos(phase)), float(np.sin(phase)), vel, self.gate,
                self.still)

    def apply(self, ctx: Context, engine: Node, A, prev, contain) -> None:
        ctx.backend.k.post_step(A, prev, *self.step_args(engine, A.shape, contain))

    def advect_apply(self, ctx: Context, engine: Node, src, flow, out, prev, contain,
                     lattice: int = 1) -> None:
        """Advect ``src`` by ``flow`` into ``out`` and apply this step's post step to it, in
        one pass where the backend fuses them; ``lattice`` > 1 traces between pixels that
        many px apart (nodes.lattice)."""
        args = self.step_args(engine, src.shape, contain)
        if lattice > 1:
            ctx.backend.k.advect_lattice_post(src, flow, lattice, out, prev, *args)
        else:
            ctx.backend.k.advect_post(src, flow, 1.0, out, prev, *args)


class Perturb(Node):
    type_id = "life.perturb"
    title = "Perturbation"
    category = "Life Support"
    doc = ("Keeps the organism restless, applied where density > gate after every step: noise "
           "on pixels that stopped changing (every 'every' steps), a little noise at the centre, "
           "and a slowly rotating stir (an additive dipole). Noise comes from a pool drawn at a "
           "random offset each step, so it never visibly repeats.")
    outputs = (Port("perturb", Kind.PERTURB),)
    params = (
        F("velocity_amp", 0.012, 0.0, 0.1, label="Stillness noise"),
        I("every", 4, 1, 64, label="Stillness every n steps"),
        F("still", 0.003, 0.0, 0.05, label="Still threshold"),
        F("gate", 0.03, 0.0, 0.5, label="Density gate"),
        F("centre_amp", 0.003, 0.0, 0.05, label="Centre noise", structural=True),
        F("centre_sigma", 0.18, 0.01, 1.0, structural=True),
        F("stir_amp", 0.010, 0.0, 0.1, label="Stir", structural=True),
        F("stir_sigma", 0.25, 0.01, 1.0, structural=True),
        F("stir_speed", 0.005, 0.0, 0.1, label="Stir speed (rad/step)"),
    )

    def process(self, ctx, inputs, params):
        shape, be = ctx.shape, ctx.backend
        noise = self.memo("noise", (shape, be.name), lambda: be.asarray(
            self.rng(*ctx.grid_key, 99).standard_normal((POOL, *shape), dtype=np.float32)))
        p = params

        def statics():
            x, y, r = radius_grid(*shape)
            centre = (be.asarray(p["centre_amp"] * np.exp(-r * r / (2 * p["centre_sigma"] ** 2)))
                      if p["centre_amp"] > 0 else None)
            if p["stir_amp"] > 0:
                g = p["stir_amp"] * np.exp(-r * r / (2 * p["stir_sigma"] ** 2))
                sx, sy = be.asarray(g * x), be.asarray(g * y)
            else:
                sx = sy = None
            return centre, sx, sy

        key = (p["centre_amp"], p["centre_sigma"], p["stir_amp"], p["stir_sigma"], shape,
               be.name)
        centre, sx, sy = self.memo("statics", key, statics)
        plan = PerturbPlan(noise, centre, sx, sy, p["velocity_amp"], p["every"], p["still"],
                           p["gate"], p["stir_speed"])
        return {"perturb": plan}


@dataclass
class CoveragePolicy:
    reseed_mass: float
    alive_gate: float
    erode_above: float
    erode_factor: float
    stagnation_frames: int
    nucleate_below: float
    nucleate_every: int
    cluster_radius: float  # px at 512; 0 = engine default
    log: list = field(default_factory=list)

    def apply(self, engine: Node, ctx: Context, contain) -> None:
        """Act on the statistics of the world as the previous frame left it, then queue
        this frame's for the next one: read back asynchronously, so the device never
        waits for the host inside a frame (the same one-frame lag on every backend)."""
        st = engine.state
        pending = st.get("cov_pending")
        if pending is not None:
            mass, alive = (float(v) for v in pending.get())
            ctx.stats[engine.id] = {"mass": mass, "alive": alive}
            self._act(engine, ctx, contain, mass, alive)
        be = ctx.backend
        buf = st.get("cov_buf")
        if buf is None:
            buf = st["cov_buf"] = ctx.xp.empty(2, dtype=f32)
        # the previous readback has been read (or was never wanted): reuse its buffers
        st["cov_pending"] = be.readback(be.k.coverage_stats(st["A"], self.alive_gate, out=buf),
                                        into=pending)

    def _act(self, engine: Node, ctx: Context, contain, mass: float, alive: float) -> None:
        st = engine.state
        A = st["A"]
        frame = st["cov_frame"] = st.get("cov_frame", 0) + 1
        rng = st["rng"]
        disc = getattr(engine, "cluster_disc", False)
        rad = self.cluster_radius * ctx.res_scale or None

        def drop():
            engine.drop_patch(ctx, *cluster_patch(ctx.shape, rng, rad, disc))

        if mass < self.reseed_mass:
            for _ in range(8):
                drop()
            st["stag"] = 0
            st["reseeds"] = st.get("reseeds", 0) + 1
            return
        if alive > self.erode_above:
            if contain is not None:
                A *= contain
            A *= f32(self.erode_factor)
        last = st.get("last_mass", mass)
        st["last_mass"] = mass
        stag = st.get("stag", 0)
        stag = stag + 1 if abs(mass - last) < 1e-4 else max(0, stag - 2)
        # nudge wherever nucleation does not act (the prototype's fixed 0.10 left a frozen
        # organism between 5 and 10 % coverage alone for good)
        if stag > self.stagnation_frames and self.nucleate_below <= alive < self.erode_above:
            drop()
            stag = 0
        st["stag"] = stag
        if alive < self.nucleate_below:
            every = max(1, self.nucleate_every // 2) if alive < 0.01 else self.nucleate_every
            if frame % every == 0:
                drop()


class Coverage(Node):
    type_id = "life.coverage"
    title = "Coverage Manager"
    category = "Life Support"
    doc = ("Once per frame: never go black (reseed when mass is tiny), erode when the organism "
           "floods the frame, nudge a stagnant organism, and nucleate when coverage is low. "
           "Acts on the previous frame's mass and coverage (two numbers read back from the "
           "device asynchronously, so a frame never waits for them).")
    outputs = (Port("coverage", Kind.COVERAGE),)
    params = (
        F("reseed_mass", 0.002, 0.0, 0.1, label="Reseed below mass"),
        F("alive_gate", 0.01, 0.0, 0.5, label="Alive threshold"),
        F("erode_above", 0.85, 0.05, 1.0, label="Erode above coverage"),
        F("erode_factor", 0.97, 0.5, 1.0),
        I("stagnation_frames", 120, 1, 10000),
        F("nucleate_below", 0.05, 0.0, 0.5, label="Nucleate below coverage"),
        I("nucleate_every", 30, 1, 1000),
        F("cluster_radius", 0.0, 0.0, 100.0, label="Cluster radius (px @512, 0 = auto)"),
    )

    def process(self, ctx, inputs, params):
        return {"coverage": CoveragePolicy(**params)}


NODES = (Containment, FeedRamp, Perturb, Coverage)
