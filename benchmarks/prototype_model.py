"""A cost model of the prototype's per-frame work, to time it beside our graphs.

THIS IS NOT THE PROTOTYPE'S CODE.  The prototype's source is not available
here; this module is our own re-implementation, written from its description
only (shared/reference/ca-prototype.md, sections 2, 4, 6, 7 and 9), of the
array operations one prototype frame does at one engine step per frame:

* the engine step as the prototype did it: NumPy ``np.fft`` rfft2/irfft2 in
  float64 (its world is upcast to float64 every step by the stir term, section
  2.0), one inverse FFT per kernel (Lenia 1, SmoothLife 2, MNCA 3), the growth /
  sigmoid / vote rules as plain NumPy expressions; Gray-Scott in float32 with
  two explicit substeps of a rolled 9-point Laplacian and a feed mask rebuilt
  every frame;
* semi-Lagrangian advection with ``scipy.ndimage.map_coordinates`` (order 1,
  ``mode='wrap'``) after summing the active flow channels, cast back to
  float32; twice (U and V) for Gray-Scott;
* containment multiply, the density mask, the every-4th-step velocity
  perturbation, the centre noise and the rotating stir, each with its clip
  (not for Gray-Scott);
* the per-frame coverage statistics (mean, alive fraction) and the erosion /
  nucleation branches they drive;
* the colour pipeline: the per-engine pre-transform (SmoothLife's power plus a
  full-resolution sigma-2 Gaussian blur, Gray-Scott's dead zone), rolled edge and
  frame-velocity signals with peak followers, two float ``mod 1`` passes, the
  quantised index into a 256 x 256 uint8 RGB LUT and its gather, the strided x8
  bloom with ``scipy.ndimage.gaussian_filter`` and a nearest x8 upsample with a
  saturating add (not for Gray-Scott), and the uint8 -> float32 output.

The simulation runs for real (so data-dependent branches happen as they
would), but only its cost is of interest: frames are not compared with ours.
``bench_presets.py`` times this model and our graph in the same run, in
alternating blocks, so that the ratio compares both on the same machine at the
same moment.  Run this file alone to see the model's per-part times beside the
figures measured on the prototype itself (ca-prototype.md section 9.2):

    python benchmarks/prototype_model.py [--sizes 512 1024] [--presets amoeba ...]
"""

from __future__ import annotations

import argparse
import math
import sys
import time

import numpy as np
from scipy import ndimage

f32 = np.float32

#: measured on the prototype itself, 2-vCPU VM, one engine step per frame
#: (ca-prototype.md section 9.2): (engine, advect, render, full frame) in ms
MEASURED_MS = {
    "amoeba": {512: (4.0, 9.4, 15.7, 35.0), 1024: (23.0, 41.0, 66.0, 147.0)},
    "sl_gliders": {512: (12.7, 8.9, 23.3, 51.0), 1024: (64.0, 39.0, 107.0, 223.0)},
    "mnca_mitosis": {512: (9.0, 9.0, 13.5, 38.0), 1024: (58.0, 39.0, 59.0, 170.0)},
    "labyrinth": {512: (4.9, 16.7, 12.9, 38.0), 1024: (24.0, 70.0, 55.0, 158.0)},
}
#: the same as frames per second (the section's last column)
MEASURED_FPS = {"amoeba": {512: 28.0, 1024: 6.8}, "sl_gliders": {512: 20.0, 1024: 4.5},
                "mnca_mitosis": {512: 26.0, 1024: 5.9}, "labyrinth": {512: 27.0, 1024: 6.3}}

FLOW_KEYS = ("radial", "rotate", "swirl", "bubble", "ring", "vortex", "vertical")

#: the four reference presets as the prototype had them (section 3), at 512 px
PRESETS = {
    "amoeba": dict(engine="lenia", R=15, T=25, mu=0.222, sigma=0.045, peaks=(0.5, 0.85),
                   widths=(0.15, 0.10),
                   flow=dict(radial=-0.30, rotate=0.35, swirl=0.50, bubble=0.20, ring=-0.20,
                             vortex=0.30)),
    "sl_gliders": dict(engine="smoothlife", ri=8, ra=24, b1=0.278, b2=0.365, d1=0.267,
                       d2=0.445, an=0.028, am=0.147, dt=0.12,
                       flow=dict(radial=-0.10, rotate=0.30, swirl=0.40, bubble=0.15,
                                 vortex=0.25)),
    "mnca_mitosis": dict(engine="mnca", rings=((0, 6), (6, 12), (12, 20)),
                         rules=((0.12, 0.35), (0.20, 0.55), (0.06, 0.25)), delta=0.035,
                         flow=dict(radial=-0.20, rotate=0.65, swirl=0.50, bubble=0.45,
                                   vortex=0.40)),
    "labyrinth": dict(engine="gray_scott", F=0.029, k=0.057, Du=0.21, Dv=0.105,
                      flow=dict(swirl=0.60, ring=0.25)),
}

COSINE = ((0.50, 0.50, 0.50), (0.50, 0.50, 0.50), (2.0, 2.0, 2.0), (0.00, 0.33, 0.67))


class _Timer:
    """Accumulates per-part times when enabled (the model's own breakdown): CPU time of
    this process, which other processes on a shared machine disturb far less than wall
    time (the model runs on one thread, as the prototype did)."""

    def __init__(self, on: bool):
        self.on = on
        self.ms: dict[str, float] = {}
        self._t = 0.0

    def start(self):
        if self.on:
            self._t = time.process_time()

    def stop(self, part: str):
        if self.on:
            now = time.process_time()
            self.ms[part] = self.ms.get(part, 0.0) + 1000 * (now - self._t)
            self._t = now


def _kernel_fft(k: np.ndarray, n: int) -> np.ndarray:
    """Small kernel zero-padded to n x n, rolled to the origin, rfft2 (as section 2.0)."""
    k = (k / k.sum()).astype(f32)
    full = np.zeros((n, n), f32)
    kh = k.shape[0]
    full[:kh, :kh] = k
    full = np.roll(full, (-kh // 2, -kh // 2), axis=(0, 1))  # the prototype's off-by-one
    return np.fft.rfft2(full)


def _dist(m: int) -> np.ndarray:
    y, x = np.mgrid[-m:m + 1, -m:m + 1]
    return np.sqrt(x * x + y * y).astype(f32)


class PrototypeModel:
    """One preset at one size; :meth:`frame` runs one prototype frame (one engine step)."""

    def __init__(self, preset: str, n: int, seed: int = 0, profile: bool = False):
        self.p = p = PRESETS[preset]
        self.engine = p["engine"]
        self.n = n
        self.rng = np.random.default_rng(seed)
        self.timer = _Timer(profile)
        s = n / 512
        c = n / 2
        yy, xx = np.mgrid[0:n, 0:n].astype(f32)
        self.yy, self.xx = yy, xx
        xh, yh = (xx - c) / c, (yy - c) / c
        self.xh, self.yh = xh, yh
        r = np.sqrt(xh * xh + yh * yh)
        self.r = r
        self._build_flows(xh, yh, r)
        # engine kernels and state (exp overflows to inf far outside a ring: harmless)
        with np.errstate(over="ignore"):
            self._build_kernels(p, n, s)
        blob = np.exp(-0.5 * (r / 0.35) ** 2).astype(f32)
        if self.engine == "gray_scott":
            v = (np.exp(-0.5 * (r / 0.30) ** 4) * self.rng.random((n, n)) * 0.25).astype(f32)
            self.U = (1 - 2 * v + self.rng.uniform(0, 0.02, (n, n))).astype(f32)
            self.A = (v + self.rng.uniform(0, 0.005, (n, n))).astype(f32)
            self.feed_ramp = (1 + 4 * np.clip((r - 0.40) / 0.30, 0, 1)).astype(f32)
        else:
            self.A = (blob * self.rng.uniform(0.3, 0.8, (n, n))).astype(f32)
        # life support (section 6)
        if self.engine == "mnca":
            self.contain = (1 - 0.04 * np.clip((r - 0.60) / 0.25, 0, 1)).astype(f32)
        else:
            self.contain = (1 - 0.05 * np.clip((r - 0.35) / 0.30, 0, 1)).astype(f32)
        self.vel_amp = 0.006 if self.engine == "smoothlife" else 0.012
        self.noise = [self.rng.standard_normal((n, n)).astype(f32) for _ in range(6)]
        self.noise_i = 0
        self.centre_mask = (0.003 * np.exp(-r * r / (2 * 0.18 ** 2))).astype(f32)
        self.stir_mask = (0.010 * np.exp(-r * r / (2 * 0.25 ** 2))).astype(f32)
        self.stir_phase = 0.0
        self.A_prev = self.A.copy()
        self.step_count = 0
        self.frame_count = 0
        self.prev_mass = None
        self.stagnation = 0
        # colour (section 7)
        self.w = (0.40, 0.30, 0.30) if self.engine == "gray_scott" else (0.30, 0.25, 0.45)
        self.bloom = {"lenia": 0.20, "mnca": 0.20, "smoothlife": 0.25}.get(self.engine)
        self.zones = self._zones(n, r)
        self.e_max = self.v_max = self.d_max = 0.01
        self.W_prev = None
        self.lut_key = None
        self.hue_phase = 0.0

    def _build_kernels(self, p, n, s):
        """The kernel spectra (section 2), as the prototype built them."""
        if self.engine == "lenia":
            R = max(5, int(p["R"] * s))
            d = _dist(R) / R
            k = np.zeros_like(d)
            for pk, w in zip(p["peaks"], p["widths"]):
                k += np.exp(-0.5 * ((d - pk) / w) ** 2)
            k[d > 1] = 0
            self.kffts = [_kernel_fft(k, n)]
        elif self.engine == "smoothlife":
            ri = max(3, int(p["ri"] * s))
            ra = max(ri + 3, int(p["ra"] * s))
            d = _dist(max(ri, ra) + 4)
            inner = 1 / (1 + np.exp(5 * (d - ri)))
            outer = (1 / (1 + np.exp(-5 * (d - ri)))) * (1 / (1 + np.exp(5 * (d - ra))))
            self.kffts = [_kernel_fft(inner, n), _kernel_fft(outer, n)]
        elif self.engine == "mnca":
            self.kffts = []
            for a, b in p["rings"]:
                a, b = max(0, int(a * s)), max(2, int(b * s))
                d = _dist(b + 4)
                k = 1 / (1 + np.exp(5 * (d - b)))
                if a > 0:
                    k = k * (1 / (1 + np.exp(-5 * (d - a))))
                self.kffts.append(_kernel_fft(k, n))

    # -- static fields --------------------------------------------------------------
    def _build_flows(self, xh, yh, r):
        rs = np.maximum(r, 1e-6)
        rx, ry = xh / rs, yh / rs
        tx, ty = -ry, rx
        b = np.clip(r, 0, 1)
        sx, sy = tx * (1 - b / 2) + rx * (b / 2), ty * (1 - b / 2) + ry * (b / 2)
        sn = np.maximum(np.sqrt(sx * sx + sy * sy), 1e-6)
        g = np.exp(-r * r / (2 * 0.3 ** 2))
        ring = np.sin(6 * np.pi * r)
        fields = {
            "radial": (ry, rx), "rotate": (ty * b, tx * b), "swirl": (sy / sn * r, sx / sn * r),
            "bubble": (ry * g, rx * g), "ring": (ry * ring, rx * ring),
            "vortex": (ty * b * b, tx * b * b),
            "vertical": (np.ones_like(r), np.zeros_like(r)),
        }
        self.flows = {k: (v[0].astype(f32), v[1].astype(f32)) for k, v in fields.items()}
        self.strength = {k: self.p["flow"].get(k, 0.0) for k in FLOW_KEYS}

    def _zones(self, n, r):
        def layer(cells, sigma, half):
            g = ndimage.gaussian_filter(self.rng.standard_normal((cells, cells)), sigma)
            up = ndimage.zoom(g, n / cells, order=1)[:n, :n]
            up = (up - up.min()) / max(up.max() - up.min(), 1e-9)
            return (up - 0.5) * 2 * half

        return (0.6 * np.clip(r, 0, 1) + layer(max(8, n // 64), 1.5, 0.5)
                + layer(max(16, n // 32), 1.0, 0.3)).astype(f32)

    # -- engine steps -------------------------------------------------------------------
    def _engine_step(self):
        p, A = self.p, self.A
        if self.engine == "gray_scott":
            # the feed LFO (a Python float: the prototype's Gray-Scott stays float32)
            Fr = (p["F"] + 0.006 * math.sin(0.2 * self.frame_count)) * self.feed_ramp
            U, V = self.U, self.A
            for _ in range(2):
                uvv = U * V * V
                U2 = U + p["Du"] * self._lap(U) - uvv + Fr * (1 - U)
                V2 = V + p["Dv"] * self._lap(V) + uvv - (Fr + p["k"]) * V
                U, V = np.clip(U2, 0, 1), np.clip(V2, 0, 1)
            self.U, self.A = U, V
            return
        F = np.fft.rfft2(A)
        if self.engine == "lenia":
            U = np.fft.irfft2(F * self.kffts[0], s=A.shape)
            G = 2 * np.exp(-((U - p["mu"]) ** 2) / (2 * p["sigma"] ** 2)) - 1
            self.A = np.clip(A + G / p["T"], 0, 1)
        elif self.engine == "smoothlife":
            m = np.fft.irfft2(F * self.kffts[0], s=A.shape)
            nn = np.fft.irfft2(F * self.kffts[1], s=A.shape)

            def sig(x, a, alpha):
                return 1 / (1 + np.exp(-(x - a) / alpha))

            def sig_n(x, a, b):
                return sig(x, a, p["an"]) * (1 - sig(x, b, p["an"]))

            sm = sig(m, 0.5, p["am"])
            S = sig_n(nn, p["b1"], p["b2"]) * (1 - sm) + sig_n(nn, p["d1"], p["d2"]) * sm
            self.A = np.clip(A + p["dt"] * (2 * S - 1), 0, 1)
        else:
            inc = np.zeros(A.shape)
            d = p["delta"]
            for kf, (lo, hi) in zip(self.kffts, p["rules"]):
                a = np.fft.irfft2(F * kf, s=A.shape)
                active = np.zeros(A.shape, bool)
                active |= (a >= lo) & (a <= hi)
                inc += np.where(active, d, -d)
            self.A = np.clip(A + inc, 0, 1)

    @staticmethod
    def _lap(f):
        up, down = np.roll(f, 1, 0), np.roll(f, -1, 0)
        ud = up + down
        card = ud + np.roll(f, 1, 1) + np.roll(f, -1, 1)
        diag = np.roll(ud, 1, 1) + np.roll(ud, -1, 1)
        return f32(0.2) * card + f32(0.05) * diag - f

    def _advect(self, f):
        vy = np.zeros(f.shape, f32)
        vx = np.zeros(f.shape, f32)
        active = False
        for k in FLOW_KEYS:
            s = self.strength[k]
            if abs(s) < 0.001:
                continue
            active = True
            fy, fx = self.flows[k]
            vy += f32(s) * fy
            vx += f32(s) * fx
        if not active:
            return f
        vy *= f32(0.8)
        vx *= f32(0.8)
        coords = np.array([self.yy - vy, self.xx - vx])
        return ndimage.map_coordinates(f, coords, order=1, mode="wrap").astype(f32)

    def _life_support(self):
        A = self.A * self.contain
        D = A > 0.03
        if self.step_count % 4 == 0:
            static = D & (np.abs(A - self.A_prev) < 0.003)
            A = np.where(static, A + self._noise() * self.vel_amp, A)
            A = np.clip(A, 0, 1)
        self.A_prev = A.copy()
        A = A + self._noise() * self.centre_mask * D
        A = np.clip(A, 0, 1)
        self.stir_phase += 0.005
        stir = self.xh * np.cos(self.stir_phase) + self.yh * np.sin(self.stir_phase)
        A = np.clip(A + D * self.stir_mask * stir, 0, 1)  # np.float64 scalars: float64 world
        self.A = A

    def _noise(self):
        self.noise_i = (self.noise_i + 1) % len(self.noise)
        return self.noise[self.noise_i]

    def _drop_cluster(self):
        n = self.n
        cy, cx = (n // 2 + self.rng.integers(-int(0.08 * n), int(0.08 * n) + 1, 2))
        for _ in range(self.rng.integers(3, 6)):
            rr = max(8, int(12 * n / 512) + int(self.rng.integers(-2, 3)))
            y = int(np.clip(cy + self.rng.integers(-int(0.04 * n), int(0.04 * n) + 1), 2 * rr,
                            n - 2 * rr - 1))
            x = int(np.clip(cx + self.rng.integers(-int(0.04 * n), int(0.04 * n) + 1), 2 * rr,
                            n - 2 * rr - 1))
            d = _dist(2 * rr)
            g = 0.9 * np.exp(-0.5 * (d / (rr / 2.2)) ** 2)
            sl = np.s_[y - 2 * rr:y + 2 * rr + 1, x - 2 * rr:x + 2 * rr + 1]
            self.A[sl] = np.clip(self.A[sl] + g, 0, 1)

    def _coverage(self):
        A = self.A
        mass = float(A.mean())
        alive = float((A > 0.01).mean())
        if mass < 0.002:
            for _ in range(8):
                self._drop_cluster()
            self.stagnation = 0
        elif self.engine != "gray_scott":
            if alive > 0.85:
                self.A = self.A * self.contain * 0.97
            if self.prev_mass is not None and abs(mass - self.prev_mass) < 1e-4:
                self.stagnation += 1
            else:
                self.stagnation = max(0, self.stagnation - 2)
            if self.stagnation > 120 and 0.10 < alive < 0.85:
                self._drop_cluster()
                self.stagnation = 0
            if alive < 0.05 and self.frame_count % (15 if alive < 0.01 else 30) == 0:
                self._drop_cluster()
        self.prev_mass = mass

    # -- colour ---------------------------------------------------------------------------
    def _lut(self, shift):
        key = round(shift, 3)
        if key != self.lut_key:
            a, b, c, d = (np.asarray(v)[None] for v in COSINE)
            t = (np.arange(256) / 255.0)[:, None]
            dd = d + shift
            pal = (a + b * np.cos(2 * np.pi * (c * t + dd))
                   + 0.06 * np.cos(2 * np.pi * (2.5 * c * t + dd + 0.3))
                   + 0.03 * np.cos(2 * np.pi * (4 * c * t + dd + 0.7)))
            pal = np.clip(pal, 0, 1)
            alpha = (np.arange(256) / 255.0) ** 0.85
            tint = np.array([1.0, 1.13, 1.35])
            lut = pal[:, None, :] * alpha[None, :, None] * tint * 1.0
            self.lut = np.clip(255 * lut, 0, 255).astype(np.uint8).reshape(-1, 3)
            self.lut_key = key
        return self.lut

    def _render(self):
        A = self.A
        if self.engine == "gray_scott":
            W = np.clip((A - 0.015) * 3.5, 0, 1)
        elif self.engine == "smoothlife":
            W = ndimage.gaussian_filter(A ** 1.4, 2)
        else:
            W = A
        gx = np.roll(W, 1, 1) - np.roll(W, -1, 1)
        gy = np.roll(W, 1, 0) - np.roll(W, -1, 0)
        E = np.sqrt(gx * gx + gy * gy)
        self.e_max = max(float(E.max()), 0.995 * self.e_max)
        vel = np.abs(W - self.W_prev) if self.W_prev is not None else np.zeros_like(W)
        self.v_max = max(float(vel.max()), 0.995 * self.v_max, 1e-6)
        self.d_max = max(float(W.max()), 0.995 * self.d_max, 1e-6)
        self.W_prev = W.copy()
        wd, wv, we = self.w
        t = (wd * W / self.d_max + wv * vel / self.v_max + we * E / self.e_max) % 1.0
        t = (t + self.zones) % 1.0
        ai = (np.clip(W / self.d_max, 0, 1) * 255).astype(np.int32)
        ti = np.clip(t * 255, 0, 255).astype(np.int32)
        self.hue_phase += 2 * np.pi * 0.015 / 30
        lut = self._lut((self.hue_phase / (2 * np.pi)) * 0.05)
        img = lut[ti * 256 + ai]
        if self.bloom:
            small = img[::8, ::8].astype(f32)
            for ch in range(3):
                small[..., ch] = ndimage.gaussian_filter(small[..., ch], max(1.0, 25 / 8))
            small = np.clip(small * self.bloom, 0, 255).astype(np.uint8)
            up = np.repeat(np.repeat(small, 8, axis=0), 8, axis=1)
            img = np.minimum(img.astype(np.uint16) + up, 255).astype(np.uint8)
        out = img.copy()
        return out.astype(f32) / f32(255)

    # -- one frame ------------------------------------------------------------------------
    def frame(self) -> np.ndarray:
        tm = self.timer
        tm.start()
        self._engine_step()
        tm.stop("engine")
        if self.engine == "gray_scott":
            self.U = np.clip(self._advect(self.U), 0, 1)
            self.A = np.clip(self._advect(self.A), 0, 1)
            tm.stop("advect")
        else:
            self.A = self._advect(self.A)
            tm.stop("advect")
            self._life_support()
            tm.stop("life")
        self.step_count += 1
        self._coverage()
        tm.stop("coverage")
        out = self._render()
        tm.stop("render")
        self.frame_count += 1
        return out


def time_frames(model: PrototypeModel, frames: int) -> float:
    """Seconds for ``frames`` model frames."""
    t0 = time.perf_counter()
    for _ in range(frames):
        model.frame()
    return time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--presets", nargs="+", default=list(PRESETS))
    ap.add_argument("--sizes", type=int, nargs="+", default=[512, 1024])
    ap.add_argument("--frames", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    print("# the prototype MODEL (our re-implementation from its description): per part, "
          "CPU ms of the fastest block (one thread,\n# so a shared machine disturbs it less "
          "than wall time), and the block's wall ms; 'measured' = the prototype itself, "
          "ca-prototype.md 9.2")
    print(f"{'preset':13s} {'N':>5s} {'engine':>13s} {'advect':>13s} {'render':>13s} "
          f"{'frame (cpu)':>15s} {'wall':>7s}   (model / measured, ms)")
    for preset in args.presets:
        for n in args.sizes:
            m = PrototypeModel(preset, n, profile=True)
            for _ in range(3):
                m.frame()
            best, parts, wall = float("inf"), {}, 0.0
            for _ in range(args.repeat):
                m.timer.ms = {}
                w = time_frames(m, args.frames)
                cpu = sum(m.timer.ms.values())
                if cpu < best:
                    best, wall = cpu, w
                    parts = {k: v / args.frames for k, v in m.timer.ms.items()}
            meas = MEASURED_MS.get(preset, {}).get(n)
            frame_ms = best / args.frames
            other = parts.get("life", 0) + parts.get("coverage", 0)

            def cell(v, ref):
                return f"{v:6.1f}/{ref:<6.1f}" if ref is not None else f"{v:6.1f}/{'-':<6s}"

            row = (f"{preset:13s} {n:5d} {cell(parts['engine'], meas and meas[0])} "
                   f"{cell(parts['advect'], meas and meas[1])} "
                   f"{cell(parts['render'], meas and meas[2])} "
                   f"{cell(frame_ms, meas and meas[3])} {1000 * wall / args.frames:7.1f}"
                   f"   (life+coverage {other:.1f})")
            print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
