"""The four cellular-automata engines: Lenia, SmoothLife, MNCA, Gray-Scott.

Each engine owns its world (state) and, per frame, runs ``steps`` engine
steps.  Each step is: rule update -> advection by ``flow`` (if linked) ->
containment ``contain`` and ``perturb`` (if linked, fused in one pass).  After
the steps a ``coverage`` policy (if linked) keeps the organism alive without
flooding.  Sizes (kernel radii) are given at the 512 px the presets were
tuned at and scale with the grid, so a graph looks alike at any resolution.
Kernels are centred exactly (the prototype's off-by-one drift is fixed).
"""

from __future__ import annotations

import math

import numpy as np

from .. import lattice
from ..spec import B, Context, F, I, Kind, L, Node, Port
from .seeds import SeedRecipe

f32 = np.float32

WARMUP = (
    I("warmup", 0, 0, 5000, label="Warm-up steps",
      doc="extra steps run on restart, spread over the first frames (never blocks)"),
    I("warmup_frames", 30, 1, 600, label="Warm-up frames"),
)

ENGINE_INPUTS = (
    Port("seed", Kind.SEED, optional=True, doc="starting pattern (default: engine's own)"),
    Port("steps", Kind.SCALAR, optional=True, doc="engine steps this frame (default 1)"),
    Port("flow", Kind.VFIELD, optional=True, doc="advect the world by this field every step"),
    Port("contain", Kind.FIELD, optional=True, doc="multiply the world by this mask every step"),
    Port("perturb", Kind.PERTURB, optional=True),
    Port("coverage", Kind.COVERAGE, optional=True),
)


def scaled_radius(r: float, ctx: Context, minimum: float = 1.0) -> float:
    return max(minimum, r * ctx.res_scale)


def kernel_spectrum(be, kernel_small: np.ndarray, shape):
    """Place a centred (2m+1)^2 kernel on an h x w torus (centre at [0, 0]) and rfft2 it;
    ``shape`` is (h, w), or n for n x n."""
    h, w = (shape, shape) if isinstance(shape, (int, np.integer)) else shape
    k = kernel_small.astype(np.float64)
    k = k / k.sum()
    m = k.shape[0] // 2
    full = np.zeros((h, w), np.float64)
    full[np.ix_(np.arange(-m, m + 1) % h, np.arange(-m, m + 1) % w)] += k
    spec = np.fft.rfft2(full).astype(np.complex64)
    return be.spectrum(spec, (h, w))


def _dist_grid(m: int) -> np.ndarray:
    y, x = np.mgrid[-m:m + 1, -m:m + 1]
    return np.sqrt(x * x + y * y)


def lenia_kernel(radius: float, peaks, widths) -> np.ndarray:
    m = int(math.ceil(radius))
    r = _dist_grid(m) / radius
    k = np.zeros_like(r)
    for p, w in zip(peaks, widths):
        k += np.exp(-0.5 * ((r - p) / w) ** 2)
    k[r > 1] = 0
    return k


def _logistic(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -60, 60)))


def smoothlife_kernels(ri: float, ra: float):
    m = int(math.ceil(max(ri, ra))) + 4
    d = _dist_grid(m)
    inner = _logistic(-5 * (d - ri))
    outer = _logistic(5 * (d - ri)) * _logistic(-5 * (d - ra))
    return inner, outer


def ring_kernel(r_in: float, r_out: float) -> np.ndarray:
    m = int(math.ceil(r_out)) + 4
    d = _dist_grid(m)
    k = _logistic(-5 * (d - r_out))
    if r_in > 0:
        k = k * _logistic(5 * (d - r_in))
    return k


def _paired(params, a: str, b: str, a_words: str, b_words: str, used: str):
    """check_params for two list params read pairwise (zip): a warning when their
    lengths differ, since the extra entries are ignored."""
    na, nb = len(params[a]), len(params[b])
    if na == nb:
        return []
    return [(b, f"{na} {a_words} but {nb} {b_words}: they are read in pairs, so only the "
                f"first {min(na, nb)} {used}")]


class Engine(Node):
    category = "Engines"
    inputs = ENGINE_INPUTS
    outputs = (Port("field", Kind.FIELD),)
    default_seed = SeedRecipe()
    #: trace the flow on the 512 lattice on finer grids, so that each step's transport
    #: blurs the world as much, relative to the organism, as at 512 (nodes.lattice)
    lattice_advection = False

    # -- state -------------------------------------------------------------------
    def _start(self, ctx: Context, seed: SeedRecipe | None):
        rng = self.rng(*ctx.grid_key)
        recipe = seed or self.default_seed
        host = recipe.generate(ctx.size if ctx.square else ctx.shape, rng)
        self.state.clear()
        self.state["rng"] = rng
        self.state["seed"] = recipe
        self.state["step"] = 0
        self.init_world(ctx, host)

    def init_world(self, ctx: Context, host: np.ndarray) -> None:
        xp = ctx.xp
        self.state["A"] = ctx.backend.asarray(host)
        self.state["B"] = xp.empty_like(self.state["A"])

    def world(self):
        return self.state["A"]

    def fields(self):
        """Arrays that advection moves (GS moves U and V)."""
        return ["A"]

    def drop_patch(self, ctx: Context, y0: int, x0: int, patch: np.ndarray) -> None:
        """Add a small host pattern at [y0:, x0:] (reseed / nucleation clusters)."""
        xp = ctx.xp
        h, w = patch.shape
        region = self.state["A"][y0:y0 + h, x0:x0 + w]
        region += ctx.backend.asarray(patch)
        xp.clip(region, 0, 1, out=region)

    # -- frame -------------------------------------------------------------------------
    def process(self, ctx: Context, inputs, params):
        A = self.state.get("A")
        if A is None or A.shape != ctx.shape:
            self._start(ctx, inputs.get("seed"))
        steps = inputs.get("steps")
        if steps is None:
            n = 1
        else:  # fractions accumulate: 0.5 steps a frame is one step every other frame
            carry = self.state.get("step_carry", 0.0) + (float(steps) if steps > 0 else 0.0)
            n = int(carry)
            self.state["step_carry"] = carry - n
        n += self._warmup_steps(params)
        flow, contain, perturb = inputs.get("flow"), inputs.get("contain"), inputs.get("perturb")
        self.prepare(ctx, params)
        # the trace's lattice (nodes.lattice): 1 (every pixel) unless this engine traces
        # on the 512 lattice and the grid is finer
        k = lattice.spacing(ctx.size) if self.lattice_advection else 1
        for _ in range(n):
            self.rule_step(ctx, params)
            life_done = False  # containment + perturbation applied this step
            if flow is not None:
                for name in self.fields():
                    src = self.state[name]
                    # allocated once, then ping-ponged with the field
                    dst = self.buffer(ctx, name + "_tmp", src.shape)
                    if name == "A" and perturb is not None:
                        # transport + containment + perturbation of the world in one pass
                        prev = self.state.get("prev")
                        if prev is None:
                            prev = self.state["prev"] = src.copy()
                        perturb.advect_apply(ctx, self, src, flow, dst, prev, contain, k)
                        life_done = True
                    elif k > 1:
                        ctx.backend.k.advect_lattice(src, flow, k, out=dst)
                    else:
                        ctx.backend.k.advect(src, flow, 1.0, out=dst)
                    self.state[name], self.state[name + "_tmp"] = dst, src
            if not life_done and (contain is not None or perturb is not None):
                self.life_support(ctx, contain, perturb)
            self.state["step"] += 1
        cov = inputs.get("coverage")
        if cov is not None:
            cov.apply(self, ctx, contain)
        return self.outputs_now(ctx)

    def outputs_now(self, ctx):
        return {"field": self.world()}

    def warmup_frames(self, params) -> int:
        return int(params["warmup_frames"]) if params.get("warmup", 0) > 0 else 0

    def _warmup_steps(self, params) -> int:
        """Extra steps on the first frames after a (re)start, spread so nothing blocks."""
        # the amounts in force at the (re)start: editing them mid-run applies at the next
        # restart instead of fast-forwarding a running organism
        total = self.state.setdefault("warm_total", params.get("warmup", 0))
        frames = self.state.setdefault("warm_frames", max(1, params.get("warmup_frames", 1)))
        done = self.state.get("warm_done", 0)
        if done >= total:
            return 0
        k = min(total - done, -(-total // frames))
        self.state["warm_done"] = done + k
        return k

    def life_support(self, ctx: Context, contain, perturb) -> None:
        A = self.state["A"]
        if perturb is None:
            A *= contain
            return
        prev = self.state.get("prev")
        if prev is None:
            prev = self.state["prev"] = A.copy()
        perturb.apply(ctx, self, A, prev, contain)

    # -- to implement --------------------------------------------------------------------
    def prepare(self, ctx: Context, params) -> None:
        """Build/refresh static work (memoised)."""

    def rule_step(self, ctx: Context, params) -> None:
        raise NotImplementedError


class Lenia(Engine):
    type_id = "engine.lenia"
    title = "Lenia"
    doc = ("Continuous CA: potential U = K * A (Gaussian-shell kernel of radius R, via FFT); "
           "A += dt (2 exp(-((U-mu)/sigma)^2/2) - 1), dt = 1/T.")
    params = (
        F("mu", 0.15, 0.01, 0.5, label="Growth (mu)"),
        F("sigma", 0.017, 0.002, 0.1, label="Tolerance (sigma)"),
        F("T", 10.0, 1.0, 100.0, label="Smoothness (T)", doc="time resolution; dt = 1/T"),
        F("R", 13.0, 3.0, 64.0, label="Radius (px @512)", structural=True),
        L("peaks", (0.5,), 0.0, 1.0, label="Shell peaks"),
        L("widths", (0.15,), 0.01, 1.0, label="Shell widths"),
        *WARMUP,
    )
    default_seed = SeedRecipe("blobs", density=0.6)
    #: per pixel the presets came out fuller and paler at 2048 (benchmarks/lenia_scale.py)
    lattice_advection = True

    @classmethod
    def check_params(cls, params):
        return _paired(params, "peaks", "widths", "shell peaks", "widths", "shell(s) are used")

    #: the smallest kernel radius, in pixels, that draws Lenia's round cells: heartbeat's
    #: R 10 @512 is 5 px at 256, where its disc tiled in stripes that 512 draws as dots
    min_radius_px = 6.0

    @classmethod
    def min_grid_for(cls, params):
        """The side on which the kernel is ``min_radius_px`` (R 10 @512: 308), for a kernel
        under it at 256 (R under 12 @512): on a grid whose shorter side is smaller the graph
        simulates on a whole multiple of it and is shown box-averaged (nodes.sim_grid), as
        MNCA and Gray-Scott are.  Radii of 12 and more (the other presets', 15-28) draw
        their cells at 256 and are left to run on the grid itself, thumbnails included."""
        need = math.ceil(512 * cls.min_radius_px / float(params["R"]))
        return need if need > 256 else 0

    #: the potential on the 512 lattice on finer grids: K * A on the world box-averaged to
    #: the lattice, brought back to every pixel bilinearly (nodes.lattice)
    lattice_potential = True

    def _potential_spacing(self, ctx) -> int:
        """The lattice spacing of the potential: 1 (every pixel) unless this engine convolves
        on the 512 lattice and the grid is finer; then :func:`lattice.spacing`, or the
        nearest smaller spacing that divides both sides (1280: 2, not 3)."""
        k = lattice.spacing(ctx.size) if self.lattice_potential else 1
        g = math.gcd(*ctx.shape)
        while k > 1 and g % k:
            k -= 1
        return k

    def prepare(self, ctx, params):
        peaks, widths = params["peaks"], params["widths"]
        nshell = min(len(peaks), len(widths))
        k = self._potential_spacing(ctx)
        # on the lattice: the kernel in lattice points (at 1024, k = 2: the 512 kernel)
        R = max(3.0, scaled_radius(params["R"], ctx, 3.0) / k)
        shape = (ctx.shape[0] // k, ctx.shape[1] // k)
        self._lattice_k = k
        key = (R, peaks[:nshell], widths[:nshell], shape, ctx.backend.name)

        def build():
            small = lenia_kernel(R, peaks[:nshell], widths[:nshell])
            return small, kernel_spectrum(ctx.backend, small, shape)

        # the kernel itself too: a window's spectrum (conv_window.py) is made from it
        # (the float64 kernel is static work, not state: kept beside the memo)
        self._kernel_small, self.state["K"] = self.memo("kernel", key, build)
        self._kernel_key = key[:3]

    def rule_step(self, ctx, params):
        be, A, B = ctx.backend, self.state["A"], self.state["B"]
        mu, sigma, dt = params["mu"], params["sigma"], 1.0 / params["T"]
        k = self._lattice_k
        if k > 1:
            # the potential on the lattice k px apart (nodes/lattice.py): the world's k x k
            # block means convolved, then each pixel grows from that potential, bilinearly.
            # At 1024 (k = 2) the FFTs are a quarter of the full grid's, and a step sees the
            # 512 potential of the same world (benchmarks/lenia_scale.py)
            h, w = A.shape
            src = be.k.downsample_box(A, k, out=self.buffer(ctx, "A_lattice", (h // k, w // k)))
        else:
            src = A
        win = self._window(ctx, src, mu, sigma)
        if win is None:
            Fa = be.rfft2(src, out=self.fft_work(ctx, "Fa", shape=src.shape))
            be.k.spectral_mul(Fa, self.state["K"], out=Fa)
            U = be.irfft2(Fa, src.shape, prescaled=True,
                          out=self.fft_work(ctx, "U", spectral=False, shape=src.shape))
            if k > 1:
                be.k.lenia_growth_lattice(U, A, mu, sigma, dt, k, 0, 0, B)
            else:
                be.k.lenia_growth(U, A, mu, sigma, dt, out=B)
        else:
            # only the organism's window (nodes/conv_window.py): outside it A and the
            # potential are 0, where growth is negative, so the new A is 0 there
            y0, y1, x0, x1 = win
            if y1 > y0:
                size = (y1 - y0, x1 - x0)
                small, kkey = self._kernel_small, self._kernel_key
                K = self._conv_window().spectrum(
                    (kkey, size), lambda: kernel_spectrum(be, small, size))
                Fa = be.rfft2(src[y0:y1, x0:x1])
                be.k.spectral_mul(Fa, K, out=Fa)
                U = be.irfft2(Fa, size, prescaled=True)
                if k > 1:
                    be.k.lenia_growth_lattice(U, A, mu, sigma, dt, k, y0, x0, B)
                else:
                    be.k.lenia_growth_window(U, A, mu, sigma, dt, y0, x0, B)
            else:
                B.fill(0)
        self.state["A"], self.state["B"] = B, A

    def _conv_window(self):
        from ..conv_window import ConvWindow

        cw = self.state.get("conv_window")
        if cw is None:
            cw = self.state["conv_window"] = ConvWindow()
        return cw

    def _window(self, ctx, A, mu, sigma):
        """The FFT window for this step, or None for the whole grid: on the CPU only (a
        GPU's full FFT is quick and its plans are per shape), and only while the growth of
        an empty cell is clearly negative (an empty world stays empty: 2 exp(-(mu/sigma)^2
        / 2) - 1 <= -1/2, so FFT rounding near 0 cannot make it grow)."""
        from .. import conv_window

        if (ctx.backend.device_resident or not sigma > 0 or mu / sigma < 1.67
                or A.size < conv_window.MIN_PIXELS):
            return None
        m = self._kernel_small.shape[0] // 2
        return self._conv_window().place(ctx.backend.k.nonzero_box(A), m, A.shape)


class SmoothLife(Engine):
    type_id = "engine.smoothlife"
    title = "SmoothLife"
    # v2: defaults that stay alive on their own (the 'sl_elastic' preset's rule); v1's
    # sparse rule died without life support, so a freshly added engine showed black
    version = 2
    doc = ("Rafler's SmoothLife: inner disk radius ri (filling m), annulus to ra (neighbourhood "
           "n); birth interval [b1, b2], survival [d1, d2]; A += dt (2 S(n, m) - 1).")
    params = (
        F("ri", 9.0, 1.0, 40.0, label="Inner radius (px @512)", structural=True),
        F("ra", 27.0, 3.0, 120.0, label="Outer radius (px @512)", structural=True),
        F("b1", 0.21, 0.05, 0.6, label="Birth"),
        F("b2", 0.33, 0.05, 0.7, label="Spread"),
        F("d1", 0.21, 0.05, 0.7, label="Survive low"),
        F("d2", 0.5, 0.05, 0.9, label="Survive"),
        F("alpha_n", 0.02, 0.002, 0.2, label="Sharpness n"),
        F("alpha_m", 0.13, 0.01, 0.5, label="Sharpness m"),
        F("dt", 0.12, 0.005, 1.0),
        *WARMUP,
    )
    V1_DEFAULTS = {"ri": 4.0, "ra": 12.0, "b1": 0.278, "b2": 0.365, "d1": 0.267, "d2": 0.445,
                   "alpha_n": 0.028, "alpha_m": 0.147, "dt": 0.1}

    default_seed = SeedRecipe("blobs", density=0.6, count=10, radius=0.1, scatter=0.25,
                              combine="max", noise=0.03)
    cluster_disc = True
    #: the rings of a SmoothLife organism break up into worms through the blur of the
    #: trace: with a per-pixel trace sl_worms at 2048 kept its rings for 200 frames where
    #: 512 breaks them in 50 (benchmarks/worms_scale.py)
    lattice_advection = True

    def prepare(self, ctx, params):
        ri = scaled_radius(params["ri"], ctx, 1.0)
        ra = max(ri + 2.0, scaled_radius(params["ra"], ctx, 3.0))
        key = (ri, ra, ctx.shape, ctx.backend.name)

        def build():
            inner, outer = smoothlife_kernels(ri, ra)
            return ctx.xp.stack([kernel_spectrum(ctx.backend, inner, ctx.shape),
                                 kernel_spectrum(ctx.backend, outer, ctx.shape)])

        self.state["K"] = self.memo("kernels", key, build)

    def rule_step(self, ctx, params):
        be, A, B = ctx.backend, self.state["A"], self.state["B"]
        # both potentials as one stack (one product pass, one batched inverse: the same
        # transforms, fewer passes and calls)
        Fa = be.rfft2(A, out=self.fft_work(ctx, "Fa"))
        Fk = be.k.spectral_mul(Fa, self.state["K"], out=self.fft_work(ctx, "Fk", stack=2))
        mn = be.irfft2(Fk, A.shape, prescaled=True,
                       out=self.fft_work(ctx, "mn", stack=2, spectral=False))
        m, n = mn[0], mn[1]
        p = params
        be.k.smoothlife_rule(n, m, A, p["b1"], p["b2"], p["d1"], p["d2"], p["alpha_n"],
                             p["alpha_m"], p["dt"], out=B)
        self.state["A"], self.state["B"] = B, A


class MNCA(Engine):
    type_id = "engine.mnca"
    title = "MNCA"
    version = 2  # v2: the 'mnca_worm' rule as defaults (v1's died on its own)
    doc = ("Multi-neighbourhood CA: ring kernels (r_in, r_out); each ring votes +delta when its "
           "average lies inside its [low, high] rule, else -delta. The radii are given at 512 "
           "px and scale with the grid; it needs a 512 grid: a smaller one simulates at 512 "
           "and the frame is scaled down.")
    params = (
        L("rings", ((0, 3), (5, 10), (12, 18)), 0.0, 120.0, item_size=2, max_items=4,
          label="Rings (r_in, r_out px @512)"),
        L("rules", ((0.18, 0.38), (0.12, 0.40), (0.04, 0.18)), 0.0, 1.0, item_size=2,
          max_items=4, label="Rules (low, high)", structural=False),
        F("delta", 0.045, 0.001, 0.2, label="Force (delta)"),
        *WARMUP,
    )
    V1_DEFAULTS = {"rings": [[0.0, 5.0], [8.0, 15.0]], "rules": [[0.20, 0.26], [0.26, 0.46]],
                   "delta": 0.05}
    #: the radii scale with the grid, but the rule's thresholds are sharp: at 256 the
    #: halved rings (hunt's inner disc 6 px) draw the cell walls a pixel or two wide, and
    #: the organism comes out another one (mnca_hunt: grainy, blocky edges, a cup-shaped
    #: body where 512 grows a bean), so a smaller grid simulates at 512 (or a whole multiple
    #: of the grid above it) and the frame is scaled down (nodes.sim_grid), as Gray-Scott's
    min_grid = 512

    @classmethod
    def check_params(cls, params):
        return _paired(params, "rings", "rules", "rings", "rules", "ring(s) take part")

    default_seed = SeedRecipe("blobs", density=0.6, count=12, radius=1 / 7, scatter=0.28)

    def prepare(self, ctx, params):
        rings = params["rings"]
        s = ctx.res_scale
        scaled = tuple((max(0.0, a * s), max(2.0, b * s)) for a, b in rings)
        key = (scaled, ctx.shape, ctx.backend.name)

        def build():
            specs = [kernel_spectrum(ctx.backend, ring_kernel(a, b), ctx.shape)
                     for a, b in scaled]
            return ctx.xp.stack(specs)

        self.state["K"] = self.memo("kernels", key, build)

    def rule_step(self, ctx, params):
        be, A, B = ctx.backend, self.state["A"], self.state["B"]
        K = self.state["K"]
        rules = params["rules"]
        k = min(K.shape[0], len(rules))
        Fa = be.rfft2(A, out=self.fft_work(ctx, "Fa"))
        Fk = be.k.spectral_mul(Fa, K[:k], out=self.fft_work(ctx, "Fk", stack=k))
        pots = be.irfft2(Fk, A.shape, prescaled=True,
                         out=self.fft_work(ctx, "pots", stack=k, spectral=False))
        lows = tuple(r[0] for r in rules[:k])
        highs = tuple(r[1] for r in rules[:k])
        be.k.mnca_update(pots, A, lows, highs, params["delta"], out=B)
        self.state["A"], self.state["B"] = B, A


#: the least diffusion U a scaled Gray-Scott shrinks to on grids below 512: the presets'
#: filaments are 3-4 px wide at 512 (du 0.21), and thinner than ~2.5 px the 9-point stencil
#: pins their fronts to the lattice (axis-aligned "circuit board" walls instead of the
#: organism: seen at 256 with du 0.21/4), so from 410 px down they keep du 0.21 * 0.8^2.
#: A Runtime no longer runs a scaled Gray-Scott below 512 (it simulates a whole multiple of
#: the grid: nodes.sim_grid); this floor is left for Runtime(exact_grid=True) and direct use
GS_MIN_DIFFUSION = 0.135

#: the largest per-step diffusion (du * dt) a Gray-Scott step takes: the 9-point Laplacian's
#: most negative eigenvalue is -1.6, so explicit Euler needs D * dt < 1.25; above this bound
#: each substep is split into m shorter steps (dt = 1/m)
GS_MAX_DIFFUSION = 1.0


def grayscott_rates(du: float, dv: float, res_scale: float, scale: bool):
    """``(du, dv, m)``: the per-pixel diffusion a Gray-Scott engine runs at ``res_scale``
    and the number of steps (dt = 1/m) each substep splits into.

    The presets are tuned at 512 px; the same organism on a grid s times larger has
    lengths s times larger, i.e. diffusion ``D * s**2`` per pixel at the same reaction time
    step (``scale``; s = 1 at 512 leaves everything as it was).  On smaller grids du
    shrinks no further than ``GS_MIN_DIFFUSION`` (nor at all where du is already below it):
    filaments thinner than the grid can draw lock to its axes."""
    s2 = res_scale * res_scale if scale else 1.0
    if s2 < 1.0:
        s2 = max(s2, min(1.0, GS_MIN_DIFFUSION / du)) if du > 0 else 1.0
    du, dv = du * s2, dv * s2
    m = max(1, math.ceil(max(du, dv) / GS_MAX_DIFFUSION - 1e-9))
    return du, dv, m


class GrayScott(Engine):
    type_id = "engine.grayscott"
    title = "Gray-Scott"
    # v2: the 'reef' feed/kill as defaults (v1's F 0.055, k 0.062 died out)
    # v3: 'scale_diffusion' (on): the organism keeps its shape at every grid size; graphs
    #     saved before v3 keep their fixed-pixel patterns (off), so their frames are unchanged
    version = 3
    doc = ("Reaction-diffusion: U + 2V -> 3V with feed F and kill k, 9-point Laplacian, "
           "explicit Euler substeps (dt = 1). With 'Scale with grid' the diffusion (tuned at "
           "512 px) grows with the grid's size squared, so the pattern scales with the grid; "
           "where it would exceed 1 per step a substep is split into shorter ones. Link a Feed "
           "Ramp to 'feed_map' to contain it. Scaled, it needs a 512 grid: a smaller one "
           "simulates at 512 and the frame is scaled down.")
    inputs = ENGINE_INPUTS + (
        Port("feed_map", Kind.FIELD, optional=True, doc="per-pixel feed multiplier"),)
    outputs = (Port("field", Kind.FIELD, doc="V (activator)"), Port("u", Kind.FIELD))
    params = (
        F("feed", 0.037, 0.005, 0.1, label="Feed (F)"),
        F("kill", 0.06, 0.03, 0.08, label="Kill (k)"),
        F("du", 0.21, 0.02, 1.0, label="Diffusion U (@512)"),
        F("dv", 0.105, 0.01, 0.6, label="Diffusion V (@512)"),
        I("substeps", 4, 1, 16),
        B("scale_diffusion", True, label="Scale with grid",
          doc="diffusion x (size/512)^2: the same organism, scaled, at every grid size "
              "(off: the pattern keeps its pixel size)"),
        *WARMUP,
    )
    V1_DEFAULTS = {"feed": 0.055, "kill": 0.062, "substeps": 2}
    #: scaled, the organism needs the 512 grid it was tuned on: its filaments are 3-4 px
    #: wide there, and the diffusion that would halve them locks them to the lattice (see
    #: GS_MIN_DIFFUSION), so a smaller grid simulates at 512 (or a whole multiple of the
    #: grid above it) and the frame is scaled down (nodes.sim_grid)
    min_grid = 512

    @classmethod
    def min_grid_for(cls, params):
        return cls.min_grid if params.get("scale_diffusion", True) else 0

    @classmethod
    def upgrade_params(cls, params, from_version):
        params = super().upgrade_params(params, from_version)
        if from_version < 3:
            params = {"scale_diffusion": False, **params}
        return params

    default_seed = SeedRecipe("superdisc", density=1.0, radius=0.15)

    def init_world(self, ctx, host):
        rng = self.state["rng"]
        shape = ctx.shape
        v = 0.25 * host
        u = 1.0 - 2.0 * v + rng.uniform(0, 0.02, shape)
        v = v + rng.uniform(0, 0.005, shape)
        be, xp = ctx.backend, ctx.xp
        self.state["U"] = be.asarray(np.clip(u, 0, 1))
        self.state["A"] = be.asarray(np.clip(v, 0, 1))
        self.state["U2"] = xp.empty_like(self.state["U"])
        self.state["B"] = xp.empty_like(self.state["A"])

    def fields(self):
        return ["U", "A"]

    def drop_patch(self, ctx, y0, x0, patch):
        xp = ctx.xp
        h, w = patch.shape
        add = ctx.backend.asarray(0.25 * patch)
        v = self.state["A"][y0:y0 + h, x0:x0 + w]
        u = self.state["U"][y0:y0 + h, x0:x0 + w]
        v += add
        u -= 2 * add
        xp.clip(v, 0, 1, out=v)
        xp.clip(u, 0, 1, out=u)

    def process(self, ctx, inputs, params):
        self._feed_map = inputs.get("feed_map")
        return super().process(ctx, inputs, params)

    def rule_step(self, ctx, params):
        # the feed rate (LFO-driven in several presets) goes to the kernel as a scalar
        # gain on the feed map: no per-frame field product or fill
        be, feed_map = ctx.backend, self._feed_map
        du, dv, m = grayscott_rates(params["du"], params["dv"], ctx.res_scale,
                                    params["scale_diffusion"])
        dt = 1.0 / m
        for _ in range(params["substeps"] * m):
            U, V, U2, V2 = self.state["U"], self.state["A"], self.state["U2"], self.state["B"]
            be.k.grayscott_step(U, V, feed_map, params["kill"], du, dv,
                                out_u=U2, out_v=V2, feed_gain=params["feed"], dt=dt)
            self.state["U"], self.state["U2"] = U2, U
            self.state["A"], self.state["B"] = V2, V

    def outputs_now(self, ctx):
        return {"field": self.state["A"], "u": self.state["U"]}


NODES = (Lenia, SmoothLife, MNCA, GrayScott)
