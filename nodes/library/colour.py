"""Colour: pre-transforms, thickness, colour signals, zones, cosine palettes, bloom, output.

The chain a preset uses:  engine field -> Pre-transform -> Thickness ->
Colour Signals (t, alpha) -> Colorize (palette LUT, hue, tint, brightness)
-> Bloom -> Output (resize to the requested width x height).
All images stay float32; nothing is quantised to 8 bits before the output.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import lattice
from ..kernels import ref
from ..spec import Context, E, F, Kind, Node, Port, V3

f32 = np.float32

PALETTES = {
    "oil_slick": ((0.50, 0.50, 0.50), (0.50, 0.50, 0.50), (2.0, 2.0, 2.0), (0.00, 0.33, 0.67)),
    "cuttlefish": ((0.50, 0.50, 0.50), (0.50, 0.50, 0.50), (2.5, 1.8, 2.2), (0.00, 0.25, 0.55)),
    "bioluminescent": ((0.45, 0.52, 0.55), (0.50, 0.45, 0.42), (2.2, 1.6, 2.0),
                       (0.08, 0.30, 0.55)),
    "deep_coral": ((0.52, 0.45, 0.48), (0.48, 0.42, 0.45), (2.0, 2.5, 1.8), (0.00, 0.28, 0.55)),
    # narrow-hue looks: t moves along one family of colours instead of round the rainbow
    "deep_sea": ((0.10, 0.56, 0.62), (0.10, 0.32, 0.30), (1.0, 1.0, 1.0), (0.50, 0.05, 0.10)),
    "phosphor": ((0.25, 0.70, 0.30), (0.22, 0.26, 0.18), (1.0, 1.0, 1.0), (0.05, 0.00, 0.05)),
    "ember": ((0.78, 0.36, 0.10), (0.22, 0.34, 0.10), (1.0, 1.0, 1.0), (0.00, 0.08, 0.18)),
    "ink": ((0.45, 0.48, 0.62), (0.40, 0.40, 0.30), (1.0, 1.0, 1.0), (0.00, 0.00, 0.00)),
    "aurora": ((0.30, 0.58, 0.55), (0.30, 0.40, 0.35), (1.0, 1.0, 1.0), (0.55, 0.00, 0.85)),
    "nacre": ((0.74, 0.70, 0.74), (0.24, 0.24, 0.24), (1.5, 1.5, 1.5), (0.00, 0.20, 0.45)),
}

#: one line each, for pickers and ``cagraph presets``
PALETTE_NOTES = {
    "oil_slick": "the prototype's rainbow oil film",
    "cuttlefish": "iridescent, skewed channel rates",
    "bioluminescent": "iridescent, leaning blue-green",
    "deep_coral": "iridescent, leaning pink-magenta",
    "deep_sea": "cyan and teal glow on black",
    "phosphor": "green CRT phosphor, bright cores",
    "ember": "red, orange and yellow embers",
    "ink": "indigo ink to white, nearly monochrome",
    "aurora": "green to violet curtains",
    "nacre": "pale mother-of-pearl pastels",
    "custom": "one hue family from the custom hue, range, saturation and lightness",
    "cosine": "raw cosine coefficients a, b, c, d",
}


def custom_coefficients(hue: float, spread: float, saturation: float,
                        lightness: float) -> tuple[tuple, tuple, tuple, tuple]:
    """Cosine coefficients of the 'custom' palette from four scalars.

    t sweeps ``spread`` of the hue circle centred on ``hue`` (0 = one colour,
    1 = a full rainbow); saturation is the channels' swing, lightness their mean.
    """
    sat = saturation * min(lightness, 1.0 - lightness)
    a = (lightness,) * 3
    b = (sat,) * 3
    c = (spread,) * 3
    base = hue - 0.5 * spread
    d = tuple(base + k / 3.0 for k in (0, 2, 1))  # red, green, blue phase offsets
    return a, b, c, d


@dataclass(frozen=True)
class Palette:
    a: tuple
    b: tuple
    c: tuple
    d: tuple
    harm2: float = 0.06
    harm3: float = 0.03

    def __call__(self, t: np.ndarray, shift: float = 0.0) -> np.ndarray:
        """Colours (len(t), 3) in [0, 1]: a + b cos 2pi(c t + d') plus two harmonics."""
        return ref.cosine_palette(t, self.a, self.b, self.c, self.d, self.harm2, self.harm3,
                                  shift)


def hue_tint(h: float) -> tuple[float, float, float]:
    """The hue wheel: each channel in [0.5, 1.5]."""
    tau = 2 * math.pi
    return (1 + 0.5 * math.cos(tau * h), 1 + 0.5 * math.cos(tau * (h - 1 / 3)),
            1 + 0.5 * math.cos(tau * (h - 2 / 3)))


def gaussian_matrix(n: int, sigma: float) -> np.ndarray:
    """Circulant (n, n) matrix that blurs a periodic axis with a Gaussian."""
    d = np.arange(n)
    d = np.minimum(d, n - d)
    g = np.exp(-0.5 * (d / max(sigma, 1e-6)) ** 2)
    g /= g.sum()
    # weights under 1e-12 add nothing visible (< 1e-9 of a pixel in all), but they
    # make float32 products subnormal (some are subnormal themselves), and each of
    # those takes a slow path in the CPU's multiplier: at 1024 the bloom's 128 x 128
    # blur took 15 ms instead of 0.5.  Drop them
    g[g < 1e-12] = 0.0
    idx = (np.arange(n)[:, None] - np.arange(n)[None, :]) % n
    return g[idx].astype(np.float32)


def _gauss1(n: int, sigma: float) -> np.ndarray:
    d = np.arange(n)
    d = np.minimum(d, n - d).astype(np.float64)
    g1 = np.exp(-0.5 * (d / max(sigma, 1e-6)) ** 2)
    g1 /= g1.sum()
    return g1


def gaussian_spectrum(be, shape, sigma: float):
    """The spectrum of a periodic Gaussian blur on an n x n grid (``shape`` n) or an
    h x w one (``shape`` (h, w))."""
    h, w = (shape, shape) if isinstance(shape, (int, np.integer)) else shape
    gy = _gauss1(h, sigma)
    k = np.outer(gy, gy if w == h else _gauss1(w, sigma))
    return be.spectrum(np.fft.rfft2(k).astype(np.complex64), (h, w))


class PreTransform(Node):
    type_id = "colour.pretransform"
    title = "Pre-transform"
    category = "Colour"
    doc = ("Shape the field before colouring. deadzone: clip((x - dead) * gain) (Gray-Scott); "
           "power_blur: x^power then a Gaussian blur (SmoothLife); none: pass through.")
    inputs = (Port("field", Kind.FIELD),)
    outputs = (Port("field", Kind.FIELD),)
    params = (
        E("mode", "none", ("none", "deadzone", "power_blur")),
        F("dead", 0.015, 0.0, 0.5), F("gain", 3.5, 0.1, 20.0),
        F("power", 1.4, 0.2, 4.0), F("blur", 2.0, 0.0, 16.0, label="Blur (px @512)"),
    )

    def process(self, ctx, inputs, params):
        x = inputs["field"]
        xp, be = ctx.xp, ctx.backend
        mode = params["mode"]
        if mode == "deadzone":
            return {"field": be.k.deadzone(x, params["dead"], params["gain"],
                                           out=self.buffer(ctx, "y", x.shape))}
        if mode == "power_blur":
            y = be.k.power(x, params["power"], out=self.buffer(ctx, "y", x.shape))
            sigma = params["blur"] * ctx.res_scale
            if sigma > 0.3:
                spec = self.memo("blur", (sigma, ctx.shape, be.name),
                                 lambda: gaussian_spectrum(be, ctx.shape, sigma))
                fy = be.rfft2(y, out=self.fft_work(ctx, "fy"))
                be.k.spectral_mul(fy, spec, out=fy)
                y = be.irfft2(fy, y.shape, prescaled=True,
                              out=self.fft_work(ctx, "blurred", spectral=False))
            return {"field": y}
        return {"field": x}


class Thickness(Node):
    type_id = "colour.thickness"
    title = "Thickness"
    category = "Colour"
    doc = ("Thicken thin structures for display: 4x max-pool, optional max filter, Gaussian "
           "blur, bilinear back up, max with the input. Display only: never feeds the sim.")
    inputs = (Port("field", Kind.FIELD),)
    outputs = (Port("field", Kind.FIELD),)
    params = (F("thickness", 0.0, 0.0, 20.0, label="Thickness (px @512)"),)

    def process(self, ctx, inputs, params):
        x = inputs["field"]
        th = params["thickness"] * ctx.res_scale
        if th <= 0.5:
            return {"field": x}
        xp = ctx.xp
        h, w = x.shape
        f = 4
        small = x.reshape(h // f, f, w // f, f).max(axis=(1, 3))
        if th >= 4:
            k = max(2, round(th / 4))
            acc = small
            for dy in range(-(k // 2), k - k // 2):
                for dx in range(-(k // 2), k - k // 2):
                    if dy or dx:
                        acc = xp.maximum(acc, xp.roll(small, (dy, dx), axis=(0, 1)))
            small = acc
        sigma = max(0.5, th / 4)
        g = self.memo("g", (sigma, h, ctx.backend.name),
                      lambda: ctx.backend.asarray(gaussian_matrix(h // f, sigma)))
        gx = g if w == h else self.memo("gx", (sigma, w, ctx.backend.name),
                                        lambda: ctx.backend.asarray(gaussian_matrix(w // f, sigma)))
        kernels = ctx.backend.k
        small = kernels.blur_dense(small, g, gx, out=self.buffer(ctx, "small", small.shape))
        up = kernels.upsample_add(None, small, 0.0, out=self.buffer(ctx, "up", x.shape))
        return {"field": xp.maximum(x, up, out=up)}


def edge_spacing(ctx) -> int:
    """The spacing of Colour Signals' edge taps: the 512 lattice's (``nodes.lattice``).

    The edge strength is normalised by its peak follower, and the peak is set by the
    world's sharpest steps: a Lenia world clipped at 0 steps from nothing to a bright cell
    within a pixel or two at every size, so per pixel the peak stays where it is at 512 (a
    central difference of ~1.4) while a smooth flank's gradient per pixel falls as 1 / s
    on a grid s times finer.  Taken between pixels 1 px apart at 2048, heartbeat's edge
    term over its organism was 0.17 of the peak against 0.42 at 512, its colours slid
    along the palette and 15 % of its lit pixels went over 0.9 in a channel (9 % at 512);
    between pixels ``spacing`` px apart (4 at 2048) the edge term's distribution is 512's
    (benchmarks/lenia_scale.py).  1 at 512 and below: those frames are unchanged."""
    return lattice.spacing(ctx.size)


class Signals(Node):
    type_id = "colour.signals"
    title = "Colour Signals"
    category = "Colour"
    doc = ("Colour parameter t = frac(w_density D + w_velocity V + w_edges E + zones) from the "
           "normalised density, frame-to-frame velocity and edge strength (each normalised by a "
           "slowly decaying peak follower; edges per 512 px), and alpha = normalised density.")
    inputs = (Port("field", Kind.FIELD), Port("zones", Kind.FIELD, optional=True))
    outputs = (Port("t", Kind.FIELD), Port("alpha", Kind.FIELD))
    params = (
        F("w_density", 0.30, -2.0, 2.0), F("w_velocity", 0.25, -2.0, 2.0),
        F("w_edges", 0.45, -2.0, 2.0), F("decay", 0.995, 0.9, 1.0, label="Peak decay"),
    )

    def process(self, ctx, inputs, params):
        W = inputs["field"]
        if ctx.backend.device_resident:
            return self._process_device(ctx, W, inputs, params)
        xp, be = ctx.xp, ctx.backend
        st = self.state
        prev = st.get("prev")
        if prev is None or prev.shape != W.shape:
            prev = st["prev"] = W.copy()
            st["t"], st["a"] = xp.empty_like(W), xp.empty_like(W)
            st["peaks"] = None
        peaks = st["peaks"]
        if peaks is None:
            inv = (1.0, 1.0, 1.0)
        else:
            inv = tuple(1.0 / max(float(p), 1e-3) for p in peaks)
        t, a, mw, mv, me = be.k.signals(W, prev, inputs.get("zones"), params["w_density"],
                                        params["w_velocity"], params["w_edges"], *inv,
                                        out_t=st["t"], out_a=st["a"], keep_prev=True,
                                        spacing=edge_spacing(ctx))
        now = be.to_host(xp.stack([xp.asarray(mw), xp.asarray(mv), xp.asarray(me)]))
        dec = params["decay"]
        if peaks is None:
            peaks = tuple(max(float(v), 0.01) for v in now)
        else:
            peaks = tuple(max(float(v), dec * p) for v, p in zip(now, peaks))
        st["peaks"] = peaks  # (prev took W's values in the signals pass)
        return {"t": t, "alpha": a}

    def _process_device(self, ctx, W, inputs, params):
        """Same maths on a GPU array, with the peak followers kept on the device.

        Normalisers, peaks and the frame's maxima live in (3,) float32 device
        arrays; ``signals_follow`` (one kernel on a GPU) computes t and alpha,
        updates the peak followers from the maxima and copies the field into
        ``prev``: no number comes back to the host and nothing is allocated.
        """
        xp, be = ctx.xp, ctx.backend
        st = self.state
        prev = st.get("prev")
        if prev is None or prev.shape != W.shape:
            prev = st["prev"] = W.copy()
            st["t"], st["a"] = xp.empty_like(W), xp.empty_like(W)
            st["peaks"] = None
            st["inv"] = xp.ones(3, dtype=f32)
            st["peaks_dev"] = xp.zeros(3, dtype=f32)
            # the frame's maxima: signals_follow folds into them and resets them
            st["maxima"] = xp.full(3, -np.inf, dtype=f32)
        t, a = be.k.signals_follow(W, prev, inputs.get("zones"), params["w_density"],
                                   params["w_velocity"], params["w_edges"], st["inv"],
                                   st["peaks_dev"], st["maxima"], params["decay"],
                                   st["peaks"] is None, out_t=st["t"], out_a=st["a"],
                                   spacing=edge_spacing(ctx))
        st["peaks"] = st["peaks_dev"]
        return {"t": t, "alpha": a}


class Zones(Node):
    type_id = "colour.zones"
    title = "Colour Zones"
    category = "Colour"
    doc = ("Spatial colour offset: radial * r plus two octaves of smooth noise, added to t so "
           "different regions take different colours.")
    outputs = (Port("zones", Kind.FIELD),)
    params = (F("radial", 0.6, -2.0, 2.0, structural=True),
              F("coarse", 0.5, 0.0, 2.0, structural=True),
              F("fine", 0.3, 0.0, 2.0, structural=True))

    def process(self, ctx, inputs, params):
        h, w = ctx.shape
        n = max(h, w)  # the noise is drawn on the longer side's square, then cropped
        key = (params["radial"], params["coarse"], params["fine"], ctx.shape, ctx.backend.name)

        def build():
            rng = self.rng(*ctx.grid_key)
            r = ref_radius(h, w)
            out = params["radial"] * np.clip(r, 0, 1)
            for cells, sigma, amp in ((max(8, n // 64), 1.5, params["coarse"]),
                                      (max(16, n // 32), 1.0, params["fine"])):
                if amp <= 0:
                    continue
                g = gaussian_matrix(cells, sigma)
                small = ref.blur_dense(rng.standard_normal((cells, cells)).astype(f32), g, g)
                up = np.empty((n, n), f32)
                ref.upsample_add(None, small, 0.0, out=up)
                if (h, w) != (n, n):  # the centre of the square, the frame's shape
                    y0, x0 = (n - h) // 2, (n - w) // 2
                    up = up[y0:y0 + h, x0:x0 + w]
                lo, hi = up.min(), up.max()
                out = out + amp * ((up - lo) / max(hi - lo, 1e-6) - 0.5)
            return ctx.backend.asarray(out)

        return {"zones": self.memo("zones", key, build)}


def ref_radius(n: int, w: int | None = None) -> np.ndarray:
    """r = 1 at the frame edge of an n x n grid (or n high, ``w`` wide: an ellipse)."""
    h = n
    w = n if w is None else w
    cy, cx = h / 2.0, w / 2.0
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    return np.sqrt(((xx + 0.5 - cx) / cx) ** 2 + ((yy + 0.5 - cy) / cy) ** 2)


class PaletteNode(Node):
    type_id = "colour.palette"
    title = "Cosine Palette"
    category = "Colour"
    version = 2
    doc = ("Inigo Quilez cosine palette a + b cos 2pi(c t + d) with 2nd/3rd harmonics. Pick a "
           "named palette; 'custom' builds one from four numbers (hue, range, saturation, "
           "lightness: publishable, so Scope shows them); 'cosine' uses a, b, c, d as given.")
    outputs = (Port("palette", Kind.PALETTE),)
    params = (
        E("preset", "oil_slick", (*PALETTES, "custom", "cosine"),
          needs={"custom": ("custom_hue", "custom_range", "custom_saturation",
                            "custom_lightness"), "cosine": ("a", "b", "c", "d")}),
        F("custom_hue", 0.55, 0.0, 1.0, label="Custom hue"),
        F("custom_range", 0.25, 0.0, 2.0, label="Custom hue range"),
        F("custom_saturation", 0.9, 0.0, 1.0, label="Custom saturation"),
        F("custom_lightness", 0.55, 0.0, 1.0, label="Custom lightness"),
        V3("a", (0.5, 0.5, 0.5), -2.0, 2.0), V3("b", (0.5, 0.5, 0.5), -2.0, 2.0),
        V3("c", (2.0, 2.0, 2.0), 0.0, 10.0), V3("d", (0.0, 0.33, 0.67), -2.0, 2.0),
        F("harm2", 0.06, 0.0, 1.0, label="2nd harmonic"),
        F("harm3", 0.03, 0.0, 1.0, label="3rd harmonic"),
    )

    @classmethod
    def upgrade_params(cls, params: dict, from_version: int) -> dict:
        # version 1's 'custom' meant the raw a, b, c, d: that is 'cosine' now
        if from_version < 2 and params.get("preset") == "custom":
            params = {**params, "preset": "cosine"}
        return params

    def process(self, ctx, inputs, params):
        if params["preset"] == "cosine":
            a, b, c, d = (tuple(params[k]) for k in "abcd")
        elif params["preset"] == "custom":
            a, b, c, d = custom_coefficients(params["custom_hue"], params["custom_range"],
                                             params["custom_saturation"],
                                             params["custom_lightness"])
        else:
            a, b, c, d = PALETTES[params["preset"]]
        return {"palette": Palette(a, b, c, d, params["harm2"], params["harm3"])}


LUT_SIZE = 1024
ALPHA_SIZE = 256


DRIFT_STEPS = 2048


class Colorize(Node):
    type_id = "colour.colorize"
    title = "Colorize"
    category = "Colour"
    doc = ("Map t through the palette and alpha through the alpha curve: RGB = palette(t + drift) "
           "* tint(hue) * tint * brightness * alpha^gamma. 'drift' wraps, so driving it with a "
           "saw LFO cycles the colours forever.")
    inputs = (Port("t", Kind.FIELD), Port("alpha", Kind.FIELD),
              Port("palette", Kind.PALETTE, optional=True))
    outputs = (Port("rgb", Kind.RGB),)
    params = (
        F("hue", 0.0, 0.0, 1.0, doc="position on the tint wheel (hue strength 0 = no tint)"),
        F("hue_amount", 1.0, 0.0, 1.0, label="Hue strength"),
        F("drift", 0.0, -1000.0, 1000.0, label="Palette drift (cycles)"),
        F("brightness", 1.0, 0.1, 3.0),
        V3("tint", (1.0, 1.0, 1.0), 0.0, 2.0),
        F("gamma", 0.85, 0.1, 4.0, label="Alpha gamma"),
    )

    def process(self, ctx, inputs, params):
        pal = inputs.get("palette") or Palette(*PALETTES["oil_slick"])
        # drift quantised to 1/2048 cycle (invisible): a slow saw rebuilds the LUT only when
        # the quantised value moves, and the LUT is exactly a function of its key
        drift = (round((params["drift"] % 1.0) * DRIFT_STEPS) % DRIFT_STEPS) / DRIFT_STEPS
        hue = round(params["hue"], 4)
        key = (pal, drift, hue, params["hue_amount"], params["brightness"],
               tuple(params["tint"]), ctx.backend.name)
        lut = self.buffer(ctx, "lut", (LUT_SIZE, 3))
        if self.state.get("lut_key") != key:
            # rebuilt by a kernel into the same buffer: a palette that drifts every frame
            # sends no table from the host (no transfer, no sync)
            wheel = np.asarray(hue_tint(hue))
            gain = ((1 + params["hue_amount"] * (wheel - 1)) * np.asarray(params["tint"])
                    * params["brightness"])
            ctx.backend.k.palette_lut(pal.a, pal.b, pal.c, pal.d, pal.harm2, pal.harm3, drift,
                                      tuple(float(g) for g in gain), out=lut)
            self.state["lut_key"] = key
        alut = self.memo("alut", (params["gamma"], ctx.backend.name), lambda: ctx.backend.asarray(
            (np.arange(ALPHA_SIZE) / (ALPHA_SIZE - 1)) ** params["gamma"]))
        t = inputs["t"]
        out = self.buffer(ctx, "rgb", (*t.shape, 3))
        ctx.backend.k.palette_map(t, inputs["alpha"], lut, alut, out=out)
        return {"rgb": out}


class Bloom(Node):
    type_id = "colour.bloom"
    title = "Bloom"
    category = "Colour"
    doc = "Soft glow: box-downsample 8x, Gaussian blur, smooth bilinear upsample, add."
    inputs = (Port("rgb", Kind.RGB),)
    outputs = (Port("rgb", Kind.RGB),)
    params = (F("intensity", 0.2, 0.0, 2.0), F("radius", 12.5, 1.0, 100.0,
                                                label="Radius (px @512)"))

    def process(self, ctx, inputs, params):
        rgb = inputs["rgb"]
        if params["intensity"] <= 0:
            return {"rgb": rgb}
        xp, be = ctx.xp, ctx.backend
        h, w = rgb.shape[:2]
        f = 8  # the glow is computed 8x smaller; a frame whose sides are not multiples of 8
        while f > 1 and (h % f or w % f):  # (bloom after an odd-sized Output) uses a finer
            f //= 2  # scale that divides both, the same on every backend
        sigma = params["radius"] * ctx.res_scale / f
        gy = self.memo("gy", (h // f, sigma, be.name),
                       lambda: be.asarray(gaussian_matrix(h // f, sigma)))
        gx = self.memo("gx", (w // f, sigma, be.name),
                       lambda: be.asarray(gaussian_matrix(w // f, sigma)))
        small = be.k.downsample_box(rgb, f, out=self.buffer(ctx, "small", (h // f, w // f, 3)))
        glow = be.k.blur_dense(small, gy, gx, out=self.buffer(ctx, "glow", small.shape))
        out = self.buffer(ctx, "rgb", rgb.shape)
        be.k.upsample_add(rgb, glow, params["intensity"], out=out)
        return {"rgb": out}


class Gray(Node):
    type_id = "colour.gray"
    title = "Field to RGB"
    category = "Colour"
    doc = "Show a scalar field as a gray image (gain, clipped)."
    inputs = (Port("field", Kind.FIELD),)
    outputs = (Port("rgb", Kind.RGB),)
    params = (F("gain", 1.0, 0.0, 20.0),)

    def process(self, ctx, inputs, params):
        xp = ctx.xp
        g = xp.clip(inputs["field"] * f32(params["gain"]), f32(0), f32(1))
        return {"rgb": xp.repeat(g[..., None], 3, axis=2)}


class Output(Node):
    type_id = "out.output"
    title = "Output"
    category = "Output"
    version = 2
    doc = ("The frame the graph shows and exports, resized (bilinear) to the output width x "
           "height. When that frame's shape is not the simulation's (a square grid in Krea's "
           "576 x 320), fit says how the simulation goes into it: contain keeps its shape and centres it between black "
           "bars, cover fills the frame and crops the top and bottom, stretch distorts it. A "
           "graph simulated on a finer grid than asked (Gray-Scott or MNCA below 512) is first "
           "averaged back to the asked grid.")
    inputs = (Port("rgb", Kind.RGB),)
    outputs = (Port("rgb", Kind.RGB),)
    params = (E("fit", "contain", ref.FITS, label="Fit",
                doc="how the simulation fills a frame of another shape"),)

    V1_DEFAULTS = {"fit": "stretch"}  # version 1 always stretched: its files keep their frames

    def process(self, ctx: Context, inputs, params):
        rgb = inputs["rgb"]
        k = int(getattr(ctx, "lift", 1) or 1)
        if k > 1 and rgb.shape[:2] == ctx.shape and ctx.h % k == 0 and ctx.w % k == 0:
            # a lifted run (nodes.sim_grid): the k x k blocks' mean is the asked grid
            rgb = ctx.backend.k.downsample_box(
                rgb, k, out=self.buffer(ctx, "asked", (ctx.h // k, ctx.w // k, 3)))
        h, w = ctx.out_height, ctx.out_width
        if rgb.shape[:2] == (h, w):
            return {"rgb": rgb}
        out = self.buffer(ctx, "rgb", (h, w, 3))
        ctx.backend.k.resize_bilinear(rgb, h, w, params["fit"], out=out)
        return {"rgb": out}


NODES = (PreTransform, Thickness, Signals, Zones, PaletteNode, Colorize, Bloom, Gray, Output)
