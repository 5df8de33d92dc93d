"""Reference kernels: written once against the array module of their inputs.

These are the twins the fast kernels (``cpu.py`` numba, ``cuda.py`` CuPy) are
tested against.  They favour clarity over speed but stay float32 throughout.
All arrays are float32; scalars are converted to float32 before use so that
NumPy 2 promotion never leaks float64 into the world (a prototype bug).
"""

from __future__ import annotations

import sys

import numpy as np

from . import reference

f32 = np.float32


def xp_of(a):
    cp = sys.modules.get("cupy")
    if cp is not None and isinstance(a, cp.ndarray):
        return cp
    return np


def _out(xp, out, shape):
    return xp.empty(shape, dtype=f32) if out is None else out


def _into(res, out):
    """``res``, or ``res`` copied into ``out`` (returned) when an output is given."""
    if out is None:
        return res
    out[...] = res
    return out


# -- transport -----------------------------------------------------------------

@reference
def advect(src, vel, scale, out=None):
    """Semi-Lagrangian backward trace on a torus: ``out(p) = src(p - scale*v(p))``.

    ``vel`` is (2, H, W) holding (vy, vx) in pixels per step; sampling is
    bilinear with a true period of H and W (not scipy's ``wrap`` N-1).
    """
    xp = xp_of(src)
    h, w = src.shape
    yy = xp.arange(h, dtype=f32)[:, None]
    xx = xp.arange(w, dtype=f32)[None, :]
    y = yy - f32(scale) * vel[0]
    x = xx - f32(scale) * vel[1]
    y0 = xp.floor(y)
    x0 = xp.floor(x)
    fy = (y - y0).astype(f32)
    fx = (x - x0).astype(f32)
    iy0 = y0.astype(np.int64) % h
    ix0 = x0.astype(np.int64) % w
    return _bilinear(xp, src, iy0, ix0, (iy0 + 1) % h, (ix0 + 1) % w, fy, fx, out)


def _bilinear(xp, src, iy0, ix0, iy1, ix1, fy, fx, out):
    """``src`` mixed bilinearly from the four index grids with weights ``fy``, ``fx``."""
    top = src[iy0, ix0] * (f32(1) - fx) + src[iy0, ix1] * fx
    bot = src[iy1, ix0] * (f32(1) - fx) + src[iy1, ix1] * fx
    res = top * (f32(1) - fy) + bot * fy
    out = _out(xp, out, src.shape)
    out[...] = res
    return out


@reference
def advect_lattice(src, vel, k, out=None):
    """:func:`advect` between pixels ``k`` apart (the 512 lattice on a grid k times finer:
    ``nodes.lattice``): with ``t = -v / k`` (per axis), ``t0 = floor(t)``, ``f = t - t0``,
    ``out(p)`` mixes ``src`` at ``p + k t0`` and ``p + k (t0 + 1)`` (periodic) with the
    weights ``(1 - f, f)``, bilinearly over y and x.  The displacement is ``-v``, as
    :func:`advect`'s; the spread is ``k^2 f (1 - f)`` px^2, a 512 trace's in 512 px.
    ``out`` must not be ``src``."""
    xp = xp_of(src)
    h, w = src.shape
    kk = int(k)
    inv = f32(1.0 / kk)
    ty = -vel[0] * inv
    tx = -vel[1] * inv
    y0 = xp.floor(ty)
    x0 = xp.floor(tx)
    fy = (ty - y0).astype(f32)
    fx = (tx - x0).astype(f32)
    iy0 = (xp.arange(h, dtype=np.int64)[:, None] + kk * y0.astype(np.int64)) % h
    ix0 = (xp.arange(w, dtype=np.int64)[None, :] + kk * x0.astype(np.int64)) % w
    return _bilinear(xp, src, iy0, ix0, (iy0 + kk) % h, (ix0 + kk) % w, fy, fx, out)


# -- engine rules ----------------------------------------------------------------

@reference
def lenia_growth(U, A, mu, sigma, dt, out=None):
    """``out = clip(A + dt * (2 exp(-((U-mu)/sigma)^2 / 2) - 1), 0, 1)``."""
    xp = xp_of(A)
    z = (U - f32(mu)) / f32(sigma)
    g = f32(2) * xp.exp(f32(-0.5) * z * z) - f32(1)
    out = _out(xp, out, A.shape)
    out[...] = xp.clip(A + f32(dt) * g, f32(0), f32(1))
    return out


def _sig(xp, x, a, alpha):
    return f32(1) / (f32(1) + xp.exp(-(x - f32(a)) / f32(alpha)))


@reference
def smoothlife_rule(n, m, A, b1, b2, d1, d2, alpha_n, alpha_m, dt, out=None):
    """SmoothLife transition S(n, m) and the smooth step ``A + dt (2S - 1)``."""
    xp = xp_of(A)
    sm = _sig(xp, m, 0.5, alpha_m)
    birth = _sig(xp, n, b1, alpha_n) * (f32(1) - _sig(xp, n, b2, alpha_n))
    death = _sig(xp, n, d1, alpha_n) * (f32(1) - _sig(xp, n, d2, alpha_n))
    s = birth * (f32(1) - sm) + death * sm
    out = _out(xp, out, A.shape)
    out[...] = xp.clip(A + f32(dt) * (f32(2) * s - f32(1)), f32(0), f32(1))
    return out


@reference
def mnca_update(pots, A, lows, highs, delta, out=None):
    """Vote sum over rings: each ring adds +delta inside [low, high], else -delta."""
    xp = xp_of(A)
    inc = xp.zeros(A.shape, dtype=f32)
    for i in range(pots.shape[0]):
        inside = (pots[i] >= f32(lows[i])) & (pots[i] <= f32(highs[i]))
        inc += xp.where(inside, f32(delta), f32(-delta))
    out = _out(xp, out, A.shape)
    out[...] = xp.clip(A + inc, f32(0), f32(1))
    return out


def _lap9(xp, f):
    card = (xp.roll(f, 1, 0) + xp.roll(f, -1, 0) + xp.roll(f, 1, 1) + xp.roll(f, -1, 1))
    diag = (xp.roll(xp.roll(f, 1, 0), 1, 1) + xp.roll(xp.roll(f, 1, 0), -1, 1)
            + xp.roll(xp.roll(f, -1, 0), 1, 1) + xp.roll(xp.roll(f, -1, 0), -1, 1))
    return f32(0.2) * card + f32(0.05) * diag - f


@reference
def spectral_mul(F, K, out=None):
    """``out = K * F`` for complex64 spectra: ``K`` (h, w) or a stack (k, h, w) of kernel
    spectra, complex64 or (a symmetric kernel's, on the CPU) real float32; ``F`` one
    (h, w) spectrum; ``out`` may be ``F`` itself (in place)."""
    xp = xp_of(F)
    return xp.multiply(K, F[None] if K.ndim == 3 else F, out=out)


@reference
def grayscott_step(U, V, feed, kill, du, dv, out_u=None, out_v=None, feed_gain=1.0, dt=1.0):
    """One explicit Euler step of length ``dt`` (default 1) of Gray-Scott with a 9-point
    periodic Laplacian.

    The feed rate is ``feed * feed_gain`` per pixel (``feed`` a field, e.g. the
    radial feed ramp) or ``feed_gain`` everywhere when ``feed`` is None; ``kill``
    is a scalar.  ``dt`` scales every rate: the diffusion becomes ``du * dt`` and
    ``dv * dt``, the reaction ``dt * U V^2``, the feed ``dt * feed`` and the
    removal ``dt * (feed + kill)`` (with ``dt = 1`` each factor is exactly 1, so
    the step is the dt-free step bit for bit).  m steps of ``dt = 1/m`` take
    the time of one step and stay stable for diffusion up to m times larger.
    """
    xp = xp_of(U)
    feed = (xp.full(U.shape, f32(feed_gain), dtype=f32) if feed is None
            else feed * f32(feed_gain))
    t = f32(dt)
    if t != f32(1):
        feed = feed * t
    uvv = U * V * V
    if t != f32(1):
        uvv = uvv * t
    nu = U + f32(f32(du) * t) * _lap9(xp, U) - uvv + feed * (f32(1) - U)
    nv = V + f32(f32(dv) * t) * _lap9(xp, V) + uvv - (feed + f32(f32(kill) * t)) * V
    out_u = _out(xp, out_u, U.shape)
    out_v = _out(xp, out_v, V.shape)
    out_u[...] = xp.clip(nu, f32(0), f32(1))
    out_v[...] = xp.clip(nv, f32(0), f32(1))
    return out_u, out_v


# -- life support (containment + perturbation, fused) ------------------------------

@reference
def post_step(A, prev, mask, noise, oy1, ox1, oy2, ox2, centre, stir_x, stir_y, cos_s, sin_s,
              vel_amp, gate, still):
    """Containment then perturbation, in place on ``A``; ``prev`` gets the snapshot.

    1. ``A *= mask`` (radial containment; ``mask`` may be None).
    2. ``prev_old = prev``; ``prev = A`` (after containment).
    3. With D = A > gate: where D and ``|A - prev_old| < still`` add
       ``vel_amp * noise`` (rolled by (oy1, ox1)); ``vel_amp`` is 0 on steps
       without velocity perturbation.
    4. Where D add ``centre * noise`` (rolled by (oy2, ox2)) and the rotating
       stir ``cos_s * stir_x + sin_s * stir_y``.  Clip to [0, 1].
    """
    xp = xp_of(A)
    if mask is not None:
        A *= mask
    dens = A > f32(gate)
    old = prev.copy()
    prev[...] = A
    add = xp.zeros(A.shape, dtype=f32)
    if vel_amp != 0:
        n1 = xp.roll(noise, (oy1, ox1), axis=(0, 1))
        add += xp.where(xp.abs(A - old) < f32(still), f32(vel_amp) * n1, f32(0))
    if centre is not None:
        n2 = xp.roll(noise, (oy2, ox2), axis=(0, 1))
        add += centre * n2
    if stir_x is not None:
        add += f32(cos_s) * stir_x + f32(sin_s) * stir_y
    A += xp.where(dens, add, f32(0))
    xp.clip(A, f32(0), f32(1), out=A)
    return A


# -- colour --------------------------------------------------------------------------

@reference
def advect_post(src, vel, scale, out, prev, mask, noise, oy1, ox1, oy2, ox2, centre, stir_x,
                stir_y, cos_s, sin_s, vel_amp, gate, still):
    """:func:`advect` of ``src`` into ``out`` then :func:`post_step` on ``out`` (one pass
    on a GPU): an engine step's transport, containment and perturbation."""
    advect(src, vel, scale, out=out)
    return post_step(out, prev, mask, noise, oy1, ox1, oy2, ox2, centre, stir_x, stir_y, cos_s,
                     sin_s, vel_amp, gate, still)


@reference
def advect_lattice_post(src, vel, k, out, prev, mask, noise, oy1, ox1, oy2, ox2, centre, stir_x,
                        stir_y, cos_s, sin_s, vel_amp, gate, still):
    """:func:`advect_lattice` of ``src`` into ``out`` then :func:`post_step` on ``out``: an
    engine step's transport on the 512 lattice (``nodes.lattice``), containment and
    perturbation."""
    advect_lattice(src, vel, k, out=out)
    return post_step(out, prev, mask, noise, oy1, ox1, oy2, ox2, centre, stir_x, stir_y, cos_s,
                     sin_s, vel_amp, gate, still)


@reference
def deadzone(x, dead, gain, out=None):
    """``clip((x - dead) * gain, 0, 1)`` (Pre-transform's deadzone shaping)."""
    xp = xp_of(x)
    out = _out(xp, out, x.shape)
    xp.subtract(x, f32(dead), out=out)
    out *= f32(gain)
    return xp.clip(out, f32(0), f32(1), out=out)


@reference
def power(x, p, out=None):
    """``out = max(x, 0) ** p`` in float32 (Pre-transform's power_blur shaping: a field
    below zero, e.g. with Colour Zones' offsets added, has no intensity, never NaN)."""
    xp = xp_of(x)
    out = _out(xp, out, x.shape)
    xp.maximum(x, f32(0), out=out)
    xp.power(out, f32(p), out=out)
    return out


@reference
def signals(W, Wprev, zones, wd, wv, we, inv_d, inv_v, inv_e, out_t=None, out_a=None,
            keep_prev=False, spacing=1):
    """Colour parameter t and alpha from density, frame velocity and edges; with
    ``keep_prev``, ``Wprev`` then takes ``W``'s values (the next frame's velocity).

    ``t = frac(wd W inv_d + wv |W - Wprev| inv_v + we E inv_e + zones)`` with
    ``E`` the periodic central-difference gradient magnitude between the pixels
    ``spacing`` px either side (``W(x - s) - W(x + s)`` per axis; 1 at 512 and below, the
    512 lattice's spacing on finer grids: nodes.lattice);
    ``a = clip(W inv_d, 0, 1)``.  Returns ``(t, a, max_w, max_vel, max_edge)``
    where the maxima are backend scalars (no host sync) for peak followers.
    """
    xp = xp_of(W)
    s = int(spacing)
    gx = xp.roll(W, s, 1) - xp.roll(W, -s, 1)
    gy = xp.roll(W, s, 0) - xp.roll(W, -s, 0)
    e = xp.sqrt(gx * gx + gy * gy)
    vel = xp.abs(W - Wprev)
    t = f32(wd) * W * f32(inv_d) + f32(wv) * vel * f32(inv_v) + f32(we) * e * f32(inv_e)
    if zones is not None:
        t = t + zones
    out_t = _out(xp, out_t, W.shape)
    out_a = _out(xp, out_a, W.shape)
    out_t[...] = t - xp.floor(t)
    out_a[...] = xp.clip(W * f32(inv_d), f32(0), f32(1))
    maxima = W.max(), vel.max(), e.max()
    if keep_prev:
        Wprev[...] = W
    return (out_t, out_a, *maxima)


@reference
def signals_follow(W, Wprev, zones, wd, wv, we, inv, peaks, maxima, decay, first, out_t=None,
                   out_a=None, spacing=1):
    """Colour signals and their peak followers in one go, all state on the backend:
    :func:`signals` with the (3,) normalisers ``inv``, folding the maxima into ``maxima``
    (-inf on entry); then :func:`peak_follow` from them, updating ``peaks`` and ``inv``
    for the next frame and putting ``maxima`` back to -inf; and ``Wprev = W``.
    Returns ``(t, alpha)``.  (On a GPU: one kernel, nothing read back.)"""
    xp = xp_of(W)
    t, a, *now = signals(W, Wprev, zones, wd, wv, we, inv[0], inv[1], inv[2], out_t=out_t,
                         out_a=out_a, spacing=spacing)
    maxima[...] = xp.maximum(maxima, xp.stack(now))
    peak_follow(maxima, peaks, inv, decay, first)
    maxima[...] = -np.inf
    Wprev[...] = W
    return t, a


@reference
def palette_map(t, a, lut, alut, out=None):
    """RGB = clip(lut[t] * alut[a], 0, 1): colour by t, brightness by alpha.

    ``lut`` is (L, 3) (palette with tint and brightness folded in), ``alut``
    (M,) the alpha curve; both are sampled at the nearest entry.
    """
    xp = xp_of(t)
    n, m = lut.shape[0], alut.shape[0]
    # indices clamped to the tables (t below 0 reads the first entry); NaN, an upstream
    # fault, reads entry 0 too, as the numba and CUDA twins do
    ti = xp.clip(xp.nan_to_num(t * f32(n), nan=0.0), 0, n - 1).astype(np.int32)
    ai = xp.clip(xp.nan_to_num(a * f32(m - 1) + f32(0.5), nan=0.0), 0, m - 1).astype(np.int32)
    out = _out(xp, out, (*t.shape, 3))
    out[...] = xp.clip(lut[ti] * alut[ai][..., None], f32(0), f32(1))
    return out


@reference
def downsample_box(img, factor, out=None):
    """Mean over factor x factor blocks (img is (H, W) or (H, W, C))."""
    h, w = img.shape[:2]
    r = img.reshape(h // factor, factor, w // factor, factor, *img.shape[2:])
    return _into(r.mean(axis=(1, 3), dtype=f32).astype(f32, copy=False), out)


@reference
def upsample_add(base, small, gain, out=None):
    """``out = clip(base + gain * bilinear_up(small), 0, 1)`` (periodic, pixel centres).

    ``base`` is (H, W[, C]); ``small`` is (H/f, W/f[, C]) for an integer f.
    With ``base`` None the upsampled image alone is returned (not clipped).
    """
    xp = xp_of(small)
    hs, ws = small.shape[:2]
    h, w = (base.shape[:2] if base is not None else out.shape[:2])
    f = h // hs
    ys = (xp.arange(h, dtype=f32) + f32(0.5)) / f32(f) - f32(0.5)
    xs = (xp.arange(w, dtype=f32) + f32(0.5)) / f32(f) - f32(0.5)
    y0 = xp.floor(ys)
    x0 = xp.floor(xs)
    fy = (ys - y0).astype(f32)
    fx = (xs - x0).astype(f32)
    iy0 = y0.astype(np.int64) % hs
    ix0 = x0.astype(np.int64) % ws
    iy1 = (iy0 + 1) % hs
    ix1 = (ix0 + 1) % ws
    extra = (None,) * (small.ndim - 2)
    fy2 = fy[(slice(None), None, *extra)]
    fx2 = fx[(None, slice(None), *extra)]
    rows0 = small[iy0]
    rows1 = small[iy1]
    top = rows0[:, ix0] * (f32(1) - fx2) + rows0[:, ix1] * fx2
    bot = rows1[:, ix0] * (f32(1) - fx2) + rows1[:, ix1] * fx2
    up = top * (f32(1) - fy2) + bot * fy2
    if base is None:
        out = _out(xp, out, up.shape)
        out[...] = up
        return out
    out = _out(xp, out, base.shape)
    out[...] = xp.clip(base + f32(gain) * up, f32(0), f32(1))
    return out


FITS = ("contain", "cover", "stretch")


def fit_axes(h: int, w: int, height: int, width: int, fit: str = "stretch"):
    """How a (h, w) image maps onto a (height, width) frame: ``(sy, sx, oy, ox)`` with
    source coordinate ``(o + 0.5) * s - 0.5 + off`` along each axis.

    * ``stretch``: each axis scaled on its own (the aspect ratio changes);
    * ``contain``: one scale, the whole image centred, black bars where it ends;
    * ``cover``: one scale, the frame filled, the image cropped at its centre.
    """
    if fit == "stretch":
        return h / height, w / width, 0.0, 0.0
    if fit not in FITS:
        raise ValueError(f"fit must be one of {', '.join(FITS)}, got {fit!r}")
    s = (max if fit == "contain" else min)(h / height, w / width)
    return s, s, (h - height * s) / 2, (w - width * s) / 2


def resize_taps(xp, n_out, n_in, s, off):
    """Taps of one axis: (i0, i1, frac, inside) for clamped-edge bilinear sampling;
    ``inside`` is False where the output pixel's centre falls outside the image."""
    c = (xp.arange(n_out, dtype=f32) + f32(0.5)) * f32(s) - f32(0.5) + f32(off)
    inside = (c >= f32(-0.5)) & (c <= f32(n_in - 0.5))
    c = xp.clip(c, f32(0), f32(n_in - 1))
    i0 = xp.floor(c).astype(np.int64)
    i1 = xp.minimum(i0 + 1, n_in - 1)
    return i0, i1, (c - i0).astype(f32), inside


@reference
def resize_bilinear(img, height, width, fit="stretch", out=None):
    """Resize (H, W, C) to (height, width, C), half-pixel centres, clamped edges; ``fit``
    as in :func:`fit_axes` (pixels outside the image, ``contain``'s bars, are 0)."""
    xp = xp_of(img)
    h, w = img.shape[:2]
    sy, sx, oy, ox = fit_axes(h, w, height, width, fit)
    y0, y1, fy, iny = resize_taps(xp, height, h, sy, oy)
    x0, x1, fx, inx = resize_taps(xp, width, w, sx, ox)
    fy = fy[:, None, None]
    fx = fx[None, :, None]
    r0, r1 = img[y0], img[y1]
    top = r0[:, x0] * (f32(1) - fx) + r0[:, x1] * fx
    bot = r1[:, x0] * (f32(1) - fx) + r1[:, x1] * fx
    out = _out(xp, out, (height, width, img.shape[2]))
    out[...] = top * (f32(1) - fy) + bot * fy
    out[~iny] = 0
    out[:, ~inx] = 0
    return out


@reference
def rgb_to_u8(rgb, out=None):
    """8-bit display copy of a float image: ``uint8(clip(rgb, 0, 1) * 255 + 0.5)`` (NaN
    reads 0), e.g. the editor's preview of each frame."""
    xp = xp_of(rgb)
    a = xp.clip(xp.nan_to_num(rgb, nan=0.0), f32(0), f32(1))
    res = (a * f32(255) + f32(0.5)).astype(np.uint8)
    if out is None:
        return res
    out[...] = res
    return out


# -- per-frame statistics (kept on the device on GPU) ------------------------------------------

@reference
def coverage_stats(A, gate, out=None):
    """(2,) float32 array: [mean(A), fraction of A > gate] (one read-back per frame)."""
    xp = xp_of(A)
    return _into(xp.stack([A.mean(dtype=f32), (A > f32(gate)).mean(dtype=f32)]), out)


@reference
def peak_follow(now, peaks, inv, decay, first):
    """Peak followers of the colour signals, in place on (3,) float32 arrays.

    ``peaks = max(now, 0.01)`` on the first frame, else ``max(now, decay * peaks)``;
    then ``inv = 1 / max(peaks, 1e-3)``.
    """
    xp = xp_of(peaks)
    if first:
        peaks[...] = xp.maximum(now, f32(0.01))
    else:
        peaks[...] = xp.maximum(now, f32(decay) * peaks)
    inv[...] = f32(1) / xp.maximum(peaks, f32(1e-3))
    return peaks, inv


# -- colour tables and small blurs ---------------------------------------------------------

def cosine_palette(t, a, b, c, d, harm2, harm3, shift=0.0):
    """Colours (len(t), 3) in [0, 1], float64 on the host: a + b cos 2pi(c t + d + shift)
    plus two harmonics (2.5 c and 4 c)."""
    t = np.asarray(t, np.float64)[:, None]
    a, b, c = (np.asarray(v, np.float64)[None] for v in (a, b, c))
    d = np.asarray(d, np.float64)[None] + shift
    tau = 2 * np.pi
    p = (a + b * np.cos(tau * (c * t + d))
         + harm2 * np.cos(tau * (2.5 * c * t + d + 0.3))
         + harm3 * np.cos(tau * (4.0 * c * t + d + 0.7)))
    return np.clip(p, 0.0, 1.0)


@reference
def palette_lut(a, b, c, d, harm2, harm3, shift, gain, out):
    """Fill ``out`` (n, 3) with the cosine palette at t = (i + 0.5) / n times the
    per-channel ``gain`` (computed in float64, stored float32).  On a GPU this is one
    small kernel: no table crosses from the host, so a palette that drifts every
    frame costs no transfer and no sync."""
    n = out.shape[0]
    lut = cosine_palette((np.arange(n) + 0.5) / n, a, b, c, d, harm2, harm3, shift)
    lut = (lut * np.asarray(gain, np.float64)[None]).astype(f32)
    xp = xp_of(out)
    out[...] = lut if xp is np else xp.asarray(lut)
    return out


@reference
def blur_dense(img, gy, gx, out=None):
    """Separable blur of a small (h, w[, c]) image by dense matrices: ``gy @ img @ gx.T``
    per channel (``gy`` is (h, h), ``gx`` (w, w); circulant ones blur periodically)."""
    xp = xp_of(img)
    if img.ndim == 2:
        res = gy @ img @ gx.T
    else:
        h, w, c = img.shape
        rows = (gy @ img.reshape(h, w * c)).reshape(h, w, c)  # rows: one GEMM
        res = xp.matmul(gx, rows)  # columns: (w, w) @ each (w, c) row block
    return _into(res, out)


@reference
def shrink_rgb8(img, k, out=None):
    """A display copy of an 8-bit (h, w, 3) image ``k`` times smaller, each pixel the
    rounded mean of a k x k block (rows and columns past a whole block are dropped), packed
    as 0xFFRRGGBB uint32 (Qt's RGB32): the editor paints it 1:1 instead of scaling the
    full frame on the UI thread at every paint."""
    xp = xp_of(img)
    k = int(k)
    h, w = img.shape[0] // k, img.shape[1] // k
    blocks = img[:h * k, :w * k].reshape(h, k, w, k, 3).astype(np.uint32)
    mean = (blocks.sum(axis=(1, 3)) + np.uint32(k * k // 2)) // np.uint32(k * k)
    res = (np.uint32(0xFF000000) | (mean[..., 0] << np.uint32(16))
           | (mean[..., 1] << np.uint32(8)) | mean[..., 2]).astype(np.uint32)
    return _into(xp.asarray(res), out)


@reference
def nonzero_box(A):
    """``(first row, last row, first column, last column)`` holding every non-zero value of
    a 2-D field (a NaN counts, -0.0 does not), or None when it is all zero."""
    xp = xp_of(A)
    nz = A != 0
    rows = xp.flatnonzero(nz.any(axis=1))
    if rows.size == 0:
        return None
    cols = xp.flatnonzero(nz.any(axis=0))
    return int(rows[0]), int(rows[-1]), int(cols[0]), int(cols[-1])


def lattice_taps(n: int, k: int, start: int, size: int, period: int):
    """Along one axis of ``n`` pixels, each pixel's two taps on the lattice ``k`` px apart
    (pixel centres, periodic over the lattice's ``period`` points, as :func:`upsample_add`)
    as indices into a window of ``size`` lattice points from ``start``, ``size`` where a
    tap lies outside it (the index of a padded zero); the second tap's weight (float32);
    and ``(lo, hi)``, the range of pixels covering every one with a tap in the window.
    NumPy arrays whatever the backend (shared by :func:`lenia_growth_lattice`'s twins)."""
    c = (np.arange(n, dtype=f32) + f32(0.5)) / f32(k) - f32(0.5)
    c0 = np.floor(c)
    f = (c - c0).astype(f32)
    t0 = c0.astype(np.int64) % period
    t1 = (t0 + 1) % period
    u0, u1 = (t0 - start) % period, (t1 - start) % period
    i0 = np.where(u0 < size, u0, size).astype(np.intp)
    i1 = np.where(u1 < size, u1, size).astype(np.intp)
    hit = np.flatnonzero((i0 < size) | (i1 < size))
    ext = (int(hit[0]), int(hit[-1]) + 1) if hit.size else (0, 0)
    return i0, i1, f, ext


@reference
def lenia_growth_lattice(U, A, mu, sigma, dt, k, y0, x0, out):
    """:func:`lenia_growth` of ``A`` from a potential on the lattice ``k`` px apart
    (nodes/lattice.py): ``U`` is that potential on the window at ``(y0, x0)`` of the
    lattice's torus (``A.shape // k`` points; the whole torus at ``(0, 0)``) and 0 elsewhere
    on it, brought to ``A``'s pixels bilinearly (pixel centres, periodic: as
    :func:`upsample_add`).  ``out`` is that growth over the range of rows and columns with a
    tap in the window (:func:`lattice_taps`) and 0 outside it (nodes/conv_window.py: there
    A and the potential are 0)."""
    xp = xp_of(A)
    H, W = A.shape
    hu, wu = U.shape
    k, y0, x0 = int(k), int(y0), int(x0)
    r0, r1, fy, (ey0, ey1) = lattice_taps(H, k, y0, hu, H // k)
    c0, c1, fx, (ex0, ex1) = lattice_taps(W, k, x0, wu, W // k)
    pad = xp.zeros((hu + 1, wu + 1), f32)
    pad[:hu, :wu] = U
    r0, r1, c0, c1 = (xp.asarray(t) for t in (r0, r1, c0, c1))
    fy, fx = xp.asarray(fy)[:, None], xp.asarray(fx)[None, :]
    rows0, rows1 = pad[r0], pad[r1]
    top = rows0[:, c0] * (f32(1) - fx) + rows0[:, c1] * fx
    bot = rows1[:, c0] * (f32(1) - fx) + rows1[:, c1] * fx
    up = top * (f32(1) - fy) + bot * fy
    g = lenia_growth(up[ey0:ey1, ex0:ex1], A[ey0:ey1, ex0:ex1], mu, sigma, dt)
    out[...] = 0
    out[ey0:ey1, ex0:ex1] = g
    return out


@reference
def lenia_growth_window(U, A, mu, sigma, dt, y0, x0, out):
    """:func:`lenia_growth` over the window of ``A`` at ``(y0, x0)`` the size of ``U`` (the
    potential there), written to that window of ``out``, and 0 everywhere else in ``out``
    (nodes/conv_window.py: outside the window A and the potential are 0)."""
    h, w = U.shape
    y0, x0 = int(y0), int(x0)
    out[...] = 0
    out[y0:y0 + h, x0:x0 + w] = lenia_growth(U, A[y0:y0 + h, x0:x0 + w], mu, sigma, dt)
    return out
