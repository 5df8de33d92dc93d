"""The numba twins (``nodes/kernels/cpu.py``) against the reference kernels (``ref.py``).

Every twin must agree with its reference to float32 tolerance on small random
inputs, including the edges the fast code treats specially: wrap-around in
advection (whole-pixel shifts are exact rolls, zero flow is the identity,
traces more than a period away), the palette/alpha table indexing at t = 0,
t = 1 - eps, t = 1 and a = 1, inclusive MNCA rule bounds, and every optional
argument of the fused post-step.  Skipped where numba is not installed.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("numba")

from nodes import Runtime  # noqa: E402
from nodes.backend import Backend  # noqa: E402
from nodes.kernels import FAST, REFERENCE, cpu, ref  # noqa: E402

f32 = np.float32
ROOT = Path(__file__).resolve().parents[2]
RTOL, ATOL = 1e-5, 2e-6  # float32 tolerance (values are O(1))

SHAPES = [(64, 64), (48, 80)]


def rnd(rng, shape, lo=0.0, hi=1.0):
    return rng.uniform(lo, hi, shape).astype(f32)


def close(got, want, rtol=RTOL, atol=ATOL):
    got = got if isinstance(got, tuple) else (got,)
    want = want if isinstance(want, tuple) else (want,)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape
        assert g.dtype == np.float32, g.dtype
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


# -- registration ------------------------------------------------------------------------

def test_every_twin_is_registered_with_the_reference_signature():
    twins = FAST["numba"]
    expected = {"advect", "advect_lattice", "advect_lattice_post", "lenia_growth", "smoothlife_rule", "mnca_update", "grayscott_step",
                "post_step", "signals", "palette_map", "downsample_box", "upsample_add",
                "resize_bilinear", "coverage_stats", "power", "advect_post"}
    assert expected <= set(twins)
    for name, fn in twins.items():
        assert name in REFERENCE, name
        assert (list(inspect.signature(fn).parameters)
                == list(inspect.signature(REFERENCE[name]).parameters)), name


def test_numpy_backend_resolves_to_the_twins():
    if os.environ.get("CAGRAPH_KERNELS") == "reference":
        pytest.skip("CAGRAPH_KERNELS=reference forces the reference kernels")
    be = Backend()
    for name in FAST["numba"]:
        assert be.k.implementation(name) == "numba", name
        assert getattr(be.k, name) is FAST["numba"][name]


def test_reference_override_and_missing_numba_fall_back(tmp_path):
    """Without numba (import blocked) the loader keeps the references and a frame runs."""
    code = (
        "import sys; sys.modules['numba'] = None\n"  # import numba -> ImportError
        "import numpy as np\n"
        "from nodes.kernels import load_fast, REFERENCE\n"
        "from nodes.backend import get_backend\n"
        "assert load_fast('numba') is False\n"
        "be = get_backend('numpy')\n"
        "assert be.k.implementation('advect') == 'reference'\n"
        "assert be.k.lenia_growth is REFERENCE['lenia_growth']\n"
        "import nodes\n"
        "rt = nodes.Runtime(nodes.load('graphs/amoeba.graph'), backend='numpy', size=32)\n"
        "rt.ctx.steps_override = 1\n"
        "rt.step()\n"
        "assert np.isfinite(rt.output_host()).all()\n"
        "print('ok')\n"
    )
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0 and "ok" in res.stdout, res.stderr


def test_import_sets_a_passive_omp_wait_policy():
    """numba's spinning OpenMP workers starve scipy.fft's threads on small machines."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    code = ("import os; import nodes.kernels.cpu; "
            "print(os.environ.get('OMP_WAIT_POLICY'))")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env=env, timeout=300)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "passive"


# -- transport ------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", SHAPES)
def test_advect_matches_reference(shape):
    rng = np.random.default_rng(1)
    src = rnd(rng, shape)
    for amp, scale in ((0.7, 1.0), (3.0, 1.0), (2.5, -1.7)):
        vel = (rng.standard_normal((2, *shape)) * amp).astype(f32)
        close(cpu.advect(src, vel, scale), ref.advect(src, vel, scale))


def test_advect_rows_with_far_traces_take_the_general_loop():
    """Rows whose displacements reach a period take the modulo loop, the others the fast one
    (bitwise the reference's numbers either way); both branches in one call, and near the
    bound (h - 2, w - 2 pixels) on both sides of it."""
    rng = np.random.default_rng(4)
    h, w = 48, 80
    src = rnd(rng, (h, w))
    vel = (rng.standard_normal((2, h, w)) * 0.8).astype(f32)
    vel[0, 5, 7] = 3.3 * h  # far rows
    vel[1, 9, 0] = -2.6 * w
    vel[0, 20, :] = h - 2  # at the bound (fast loop), then just over it
    vel[1, 21, :] = -(w - 1.5)
    for scale in (1.0, -1.0, 0.5):
        np.testing.assert_array_equal(cpu.advect(src, vel, scale), ref.advect(src, vel, scale))


@pytest.mark.parametrize("shift", [(0, 0), (3, -5), (-1, 1), (70, -130), (-64, 48)])
def test_advect_whole_pixel_shift_is_a_roll(shift):
    """out(p) = src(p - v): a whole-pixel v rolls by v, wrapping over any number of periods."""
    rng = np.random.default_rng(2)
    src = rnd(rng, (64, 48))
    vel = np.empty((2, 64, 48), f32)
    vel[0], vel[1] = shift
    out = cpu.advect(src, vel, 1.0)
    np.testing.assert_array_equal(out, np.roll(src, shift, axis=(0, 1)))


def test_advect_zero_flow_is_identity_and_out_may_alias_src():
    rng = np.random.default_rng(3)
    src = rnd(rng, (32, 32))
    out = np.full_like(src, 7.0)
    assert cpu.advect(src, np.zeros((2, 32, 32), f32), 1.0, out=out) is out
    np.testing.assert_array_equal(out, src)
    vel = (rng.standard_normal((2, 32, 32)) * 2).astype(f32)
    want = ref.advect(src, vel, 0.8)
    got = cpu.advect(src, vel, 0.8, out=src)  # in place: must read before it writes
    assert got is src
    close(got, want)


# -- engine rules ---------------------------------------------------------------------------

@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mu,sigma,dt", [(0.15, 0.017, 0.1), (0.222, 0.045, 0.04),
                                         (0.11, 0.002, 1.0), (0.5, 0.1, 1 / 3)])
def test_lenia_growth(shape, mu, sigma, dt):
    rng = np.random.default_rng(4)
    U, A = rnd(rng, shape, 0, 0.6), rnd(rng, shape)
    U[0, :4] = (mu, mu + sigma, mu - 40 * sigma, 1e6)  # peak, 1 sigma, exp underflow, huge
    close(cpu.lenia_growth(U, A, mu, sigma, dt), ref.lenia_growth(U, A, mu, sigma, dt))
    out = np.empty_like(A)
    assert cpu.lenia_growth(U, A, mu, sigma, dt, out=out) is out


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("params", [
    (0.278, 0.365, 0.267, 0.445, 0.028, 0.147, 0.12),  # sl_gliders
    (0.377, 0.474, 0.260, 0.436, 0.035, 0.140, 0.15),  # sl_pulse
    (0.23, 0.38, 0.19, 0.48, 0.002, 0.01, 1.0),  # very sharp: exp overflows in the reference
])
def test_smoothlife_rule(shape, params):
    rng = np.random.default_rng(5)
    n, m, A = rnd(rng, shape), rnd(rng, shape), rnd(rng, shape)
    n[0, :5] = params[:4] + (0.5,)  # exactly on the interval edges
    with np.errstate(over="ignore"):
        want = ref.smoothlife_rule(n, m, A, *params)
    close(cpu.smoothlife_rule(n, m, A, *params), want)


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_mnca_update_bounds_are_inclusive(k):
    rng = np.random.default_rng(6)
    lows = tuple(float(f32(v)) for v in rng.uniform(0.05, 0.3, 4))
    highs = tuple(float(f32(v)) for v in rng.uniform(0.35, 0.6, 4))
    pots = rnd(rng, (k, 48, 80), 0, 0.7)
    for r in range(k):  # exact bounds and their neighbours
        pots[r, r, :4] = (lows[r], highs[r], np.nextafter(f32(lows[r]), f32(0)),
                          np.nextafter(f32(highs[r]), f32(1)))
    A = rnd(rng, (48, 80))
    got = cpu.mnca_update(pots, A, lows, highs, 0.035)
    np.testing.assert_array_equal(got, ref.mnca_update(pots, A, lows, highs, 0.035))


@pytest.mark.parametrize("shape", SHAPES)
def test_grayscott_step(shape):
    rng = np.random.default_rng(7)
    U, V = rnd(rng, shape, 0.3, 1.0), rnd(rng, shape, 0, 0.4)
    feed = rnd(rng, shape, 0.02, 0.15)
    for fd in (feed, 0.037):  # a feed field (Feed Ramp) or a scalar
        close(cpu.grayscott_step(U, V, fd, 0.06, 0.21, 0.105),
              ref.grayscott_step(U, V, fd, 0.06, 0.21, 0.105))
    ou, ov = np.empty_like(U), np.empty_like(V)
    res = cpu.grayscott_step(U, V, feed, 0.06, 0.21, 0.105, out_u=ou, out_v=ov)
    assert res[0] is ou and res[1] is ov


@pytest.mark.parametrize("dt", [0.25, 1 / 3])
def test_grayscott_step_dt(dt):
    """A step of length dt (a substep split for a large scaled diffusion): the numba twin
    matches the reference, dt = 1 is the dt-free step bit for bit, and dt matters."""
    rng = np.random.default_rng(27)
    U, V = rnd(rng, (48, 80), 0.3, 1.0), rnd(rng, (48, 80), 0, 0.4)
    ramp = rnd(rng, (48, 80), 1.0, 4.0)
    for fd in (ramp, None):
        close(cpu.grayscott_step(U, V, fd, 0.06, 3.36, 1.68, feed_gain=0.03, dt=dt),
              ref.grayscott_step(U, V, fd, 0.06, 3.36, 1.68, feed_gain=0.03, dt=dt))
        for impl in (cpu.grayscott_step, ref.grayscott_step):
            np.testing.assert_array_equal(
                np.stack(impl(U, V, fd, 0.06, 0.21, 0.105, feed_gain=0.03, dt=1.0)),
                np.stack(impl(U, V, fd, 0.06, 0.21, 0.105, feed_gain=0.03)))
    a = cpu.grayscott_step(U, V, ramp, 0.06, 0.21, 0.105, dt=dt)[1]
    b = cpu.grayscott_step(U, V, ramp, 0.06, 0.21, 0.105)[1]
    assert float(np.abs(a - b).max()) > 1e-3
    # one rate at a time: dt scales diffusion, reaction, feed and kill alike
    u0, v0 = np.full((8, 8), 0.6, f32), np.full((8, 8), 0.3, f32)
    nu, nv = ref.grayscott_step(u0, v0, None, 0.06, 0.21, 0.105, feed_gain=0.03, dt=dt)
    uvv = 0.6 * 0.3 * 0.3
    assert float(nu[0, 0]) == pytest.approx(0.6 + dt * (-uvv + 0.03 * 0.4), rel=1e-5)
    assert float(nv[0, 0]) == pytest.approx(0.3 + dt * (uvv - 0.09 * 0.3), rel=1e-5)


def test_grayscott_feed_gain_is_a_product_with_the_map():
    """The LFO-driven feed rate rides as a scalar gain: feed_map * gain, or gain alone."""
    rng = np.random.default_rng(17)
    U, V = rnd(rng, (48, 80), 0.3, 1.0), rnd(rng, (48, 80), 0, 0.4)
    ramp = rnd(rng, (48, 80), 1.0, 4.0)
    for impl in (cpu.grayscott_step, ref.grayscott_step):
        np.testing.assert_array_equal(
            np.stack(impl(U, V, ramp, 0.06, 0.21, 0.105, feed_gain=0.043)),
            np.stack(ref.grayscott_step(U, V, ramp * f32(0.043), 0.06, 0.21, 0.105)))
        np.testing.assert_array_equal(
            np.stack(impl(U, V, None, 0.06, 0.21, 0.105, feed_gain=0.043)),
            np.stack(ref.grayscott_step(U, V, np.full_like(U, 0.043), 0.06, 0.21, 0.105)))
    # the gain matters (a test that could fail)
    a = cpu.grayscott_step(U, V, None, 0.06, 0.21, 0.105, feed_gain=0.02)[0]
    b = cpu.grayscott_step(U, V, None, 0.06, 0.21, 0.105, feed_gain=0.08)[0]
    assert float(np.abs(a - b).max()) > 1e-3


# -- life support ------------------------------------------------------------------------------

@pytest.mark.parametrize("with_mask", [False, True])
@pytest.mark.parametrize("with_centre", [False, True])
@pytest.mark.parametrize("with_stir", [False, True])
@pytest.mark.parametrize("vel_amp", [0.0, 0.012])
def test_post_step(with_mask, with_centre, with_stir, vel_amp):
    rng = np.random.default_rng(8)
    h, w = 48, 80
    A, prev = rnd(rng, (h, w)), rnd(rng, (h, w))
    prev[::3] = A[::3]  # some still pixels for the stillness noise
    mask = rnd(rng, (h, w), 0.9, 1.0) if with_mask else None
    noise = rng.standard_normal((h, w)).astype(f32)
    centre = rnd(rng, (h, w), 0, 0.01) if with_centre else None
    sx, sy = (rnd(rng, (h, w), -0.01, 0.01) for _ in range(2)) if with_stir else (None, None)
    for offs in ((0, 0, 0, 0), (5, 17, h - 1, w - 1), (h + 3, -2, 11, 79)):
        a1, p1, a2, p2 = A.copy(), prev.copy(), A.copy(), prev.copy()
        args = (mask, noise, *offs, centre, sx, sy, 0.3, -0.95, vel_amp, 0.03, 0.3)
        assert cpu.post_step(a1, p1, *args) is a1
        ref.post_step(a2, p2, *args)
        close((a1, p1), (a2, p2))


@pytest.mark.parametrize("full", [False, True])
def test_advect_post_is_advect_then_post_step(full):
    rng = np.random.default_rng(18)
    h, w = 48, 80
    src, prev = rnd(rng, (h, w)), rnd(rng, (h, w))
    vel = (rng.standard_normal((2, h, w)) * 3).astype(f32)
    mask = rnd(rng, (h, w), 0.9, 1.0)
    noise = rng.standard_normal((h, w)).astype(f32)
    centre = rnd(rng, (h, w), 0, 0.01) if full else None
    sx, sy = (rnd(rng, (h, w), -0.01, 0.01) for _ in range(2)) if full else (None, None)
    args = (mask, noise, 5, 17, h - 1, w - 1, centre, sx, sy, 0.3, -0.95, 0.012, 0.03, 0.3)
    o1, p1, o2, p2 = np.empty_like(src), prev.copy(), np.empty_like(src), prev.copy()
    assert cpu.advect_post(src, vel, 1.0, o1, p1, *args) is o1
    ref.advect_post(src, vel, 1.0, o2, p2, *args)
    close((o1, p1), (o2, p2))
    # the fused pass is bitwise the two compiled passes one after the other
    o3, p3 = np.empty_like(src), prev.copy()
    cpu.advect(src, vel, 1.0, out=o3)
    cpu.post_step(o3, p3, *args)
    assert np.array_equal(o1, o3) and np.array_equal(p1, p3)


@pytest.mark.parametrize("where", ["middle", "left edge", "right edge", "top edge", "none"])
@pytest.mark.parametrize("speed", [0.7, 6.0, 90.0])
def test_advect_post_skips_only_pixels_that_trace_to_zeros(where, speed):
    # an organism on black: advect_post computes only the columns whose trace can reach a
    # non-zero pixel and writes 0 elsewhere; the result (and prev) must be bitwise the
    # full computation's, also where the trace wraps around an edge, with a fast flow,
    # with a NaN velocity, and at a density gate of 0
    rng = np.random.default_rng(21)
    h, w = 64, 96
    src = np.zeros((h, w), f32)
    y, x = {"middle": (30, 40), "left edge": (20, 0), "right edge": (40, 92),
            "top edge": (0, 50), "none": (None, None)}[where]
    if y is not None:
        src[y:y + 5, x:x + 4] = rnd(rng, (5, min(4, w - x)), 0.2, 1.0)
    vel = (rng.standard_normal((2, h, w)) * speed).astype(f32)
    vel[0, 33, 7] = np.nan
    prev = rnd(rng, (h, w))
    noise = rng.standard_normal((h, w)).astype(f32)
    for gate in (0.03, 0.0):
        args = (rnd(rng, (h, w), 0.9, 1.0), noise, 5, 17, h - 1, w - 1,
                rnd(rng, (h, w), 0, 0.01), rnd(rng, (h, w), -0.01, 0.01),
                rnd(rng, (h, w), -0.01, 0.01), 0.3, -0.95, 0.012, gate, 0.3)
        o1, p1, o2, p2 = np.full_like(src, 7.0), prev.copy(), np.empty_like(src), prev.copy()
        cpu.advect_post(src, vel, 1.0, o1, p1, *args)
        ref.advect_post(src, vel, 1.0, o2, p2, *args)
        assert np.array_equal(o1, o2, equal_nan=True), where
        assert np.array_equal(p1, p2, equal_nan=True), where
    spans = np.empty((h, 2), np.int32)
    cpu._row_spans(src, spans)
    rows = np.flatnonzero(src.any(axis=1))
    assert (spans[:, 0] >= 0).sum() == rows.size
    for r in rows:
        nz = np.flatnonzero(src[r])
        assert tuple(spans[r]) == (nz[0], nz[-1])


# -- colour -----------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("with_zones", [False, True])
def test_signals(shape, with_zones):
    rng = np.random.default_rng(9)
    W, Wp = rnd(rng, shape), rnd(rng, shape)
    zones = rnd(rng, shape, -0.6, 0.9) if with_zones else None
    got = cpu.signals(W, Wp, zones, 0.3, 0.25, 0.45, 1.4, 3.0, 2.2)
    want = ref.signals(W, Wp, zones, 0.3, 0.25, 0.45, 1.4, 3.0, 2.2)
    close(got[:2], want[:2])
    for g, w in zip(got[2:], want[2:]):  # the peak-follower maxima
        assert float(g) == pytest.approx(float(w), rel=1e-6)
    assert ((got[0] >= 0) & (got[0] <= 1)).all()


@pytest.mark.parametrize("shape", [(64, 64), (48, 80), (7, 9), (5, 3)])
@pytest.mark.parametrize("spacing", [2, 4])
def test_signals_with_edge_taps_spacing_px_apart(shape, spacing):
    """The edges between the pixels ``spacing`` px either side (the 512 lattice's taps on a
    finer grid), periodic: rows and columns near the borders wrap, and a side of 2 s px or
    fewer has no column whose taps both stay on the row."""
    rng = np.random.default_rng(21)
    W, Wp = rnd(rng, shape), rnd(rng, shape)
    zones = rnd(rng, shape, -0.6, 0.9)
    got = cpu.signals(W, Wp, zones, 0.3, 0.25, 0.45, 1.4, 3.0, 2.2, spacing=spacing)
    want = ref.signals(W, Wp, zones, 0.3, 0.25, 0.45, 1.4, 3.0, 2.2, spacing=spacing)
    close(got[:2], want[:2])
    for g, w in zip(got[2:], want[2:]):
        assert float(g) == pytest.approx(float(w), rel=1e-6)
    s = spacing
    gx = np.roll(W, s, 1) - np.roll(W, -s, 1)
    gy = np.roll(W, s, 0) - np.roll(W, -s, 0)
    assert float(want[4]) == pytest.approx(float(np.sqrt(gx * gx + gy * gy).max()), rel=1e-6)


def test_signals_spacing_1_is_the_default_bit_for_bit():
    rng = np.random.default_rng(4)
    W, Wp = rnd(rng, (48, 80)), rnd(rng, (48, 80))
    for fn in (cpu.signals, ref.signals):
        a = fn(W, Wp, None, 0.3, 0.25, 0.45, 1.4, 3.0, 2.2)
        b = fn(W, Wp, None, 0.3, 0.25, 0.45, 1.4, 3.0, 2.2, spacing=1)
        for x, y in zip(a, b):
            np.testing.assert_array_equal(np.asarray(x), np.asarray(y))


@pytest.mark.parametrize("impl", ["cpu", "ref"])
@pytest.mark.parametrize("contiguous", [True, False])
def test_signals_keep_prev_is_the_same_pass_then_prev_takes_the_field(impl, contiguous):
    rng = np.random.default_rng(5)
    W, Wp = rnd(rng, (40, 36)), rnd(rng, (40, 36))
    fn = getattr(cpu if impl == "cpu" else ref, "signals")
    want = ref.signals(W, Wp.copy(), None, 0.3, 0.25, 0.45, 1.4, 3.0, 2.2)
    prev = Wp.copy() if contiguous else np.asfortranarray(Wp)
    got = fn(W, prev, None, 0.3, 0.25, 0.45, 1.4, 3.0, 2.2, keep_prev=True)
    close(got[:2], want[:2])  # the velocity is the old prev's
    for g, w in zip(got[2:], want[2:]):
        assert float(g) == pytest.approx(float(w), rel=1e-6)
    np.testing.assert_array_equal(prev, W)


def test_signals_maxima_of_negative_rows_and_zero_fields():
    """The maxima are taken on the values' bits where a row has a value >= 0, by floats
    elsewhere: a field below zero (rows wholly negative, others mixed) and an all-zero
    field give the reference's maxima."""
    rng = np.random.default_rng(11)
    W = rnd(rng, (48, 40), -1.0, -0.1)
    W[5:9] = rnd(rng, (4, 40), -0.5, 0.7)
    Wp = W.copy()  # no velocity on most rows: their maximum is +0
    Wp[20] += 0.25
    for field in (W, np.zeros_like(W)):
        got = cpu.signals(field, Wp, None, 0.3, 0.25, 0.45, 1.0, 1.0, 1.0)
        want = ref.signals(field, Wp, None, 0.3, 0.25, 0.45, 1.0, 1.0, 1.0)
        for g, w in zip(got[2:], want[2:]):
            assert float(g) == pytest.approx(float(w), rel=1e-6, abs=1e-7)


def test_signals_follow_reference_is_signals_then_peak_follow():
    """The reference of the fused GPU kernel: t and alpha as signals() computes them with
    the current normalisers; peaks from this frame's maxima; maxima reset; prev = W."""
    rng = np.random.default_rng(19)
    W, Wp = rnd(rng, (48, 80)), rnd(rng, (48, 80))
    want = ref.signals(W, Wp, None, 0.3, 0.25, 0.45, 1.4, 3.0, 2.2)
    inv = np.array([1.4, 3.0, 2.2], f32)
    peaks, acc, prev = np.array([0.5, 0.2, 9.0], f32), np.full(3, -np.inf, f32), Wp.copy()
    got = ref.signals_follow(W, prev, None, 0.3, 0.25, 0.45, inv, peaks, acc, 0.9, False)
    close(got, want[:2])
    now = np.array([float(v) for v in want[2:]], f32)
    before = np.array([0.5, 0.2, 9.0], f32)
    np.testing.assert_allclose(peaks, np.maximum(now, f32(0.9) * before), rtol=1e-6)
    np.testing.assert_allclose(inv, 1 / np.maximum(peaks, 1e-3), rtol=1e-6)
    assert peaks[2] == f32(0.9) * f32(9.0)  # decayed, not replaced, where now is smaller
    assert np.isneginf(acc).all()
    np.testing.assert_array_equal(prev, W)


@pytest.mark.parametrize("alut0, lut_fault", [(0.0, None), (0.0, np.inf), (0.0, np.nan),
                                             (0.3, None)])
def test_palette_map_of_an_organism_on_black_is_the_reference_s(alut0, lut_fault):
    """Rows with alpha 0 around the organism: only their non-zero span is mapped where the
    alpha curve starts at 0 and the palette is finite; the frame is the reference's
    either way (a palette entry inf or NaN, or alut[0] > 0, colours the zeros too)."""
    rng = np.random.default_rng(11)
    lut = rnd(rng, (256, 3), 0, 1.2)
    if lut_fault is not None:
        lut[0, 1] = lut_fault
    alut = rnd(rng, (256,))
    alut[0] = alut0
    t = rnd(rng, (40, 64))
    a = rnd(rng, (40, 64))
    a[:, :9] = 0
    a[:, 50:] = 0
    a[5] = 0
    a[7, 20:30] = -0.0
    a[12, 3] = 0.5  # a lone pixel far out widens its row's span
    want = ref.palette_map(t, a, lut, alut)
    got = cpu.palette_map(t, a, lut, alut, out=np.full((40, 64, 3), 7, f32))
    np.testing.assert_array_equal(got, want)
    assert bool(got[a == 0].any()) == (alut0 > 0 or lut_fault is not None)


def test_palette_map_index_edges():
    rng = np.random.default_rng(10)
    lut = rnd(rng, (1024, 3), 0, 1.6)
    alut = rnd(rng, (256,))
    eps = np.nextafter(f32(1), f32(0))
    t = np.array([[0, eps, 1.0, 0.5, 1 / 1024, np.nextafter(f32(1 / 1024), f32(0)), -0.3,
                   0.999]], f32)  # -0.3: below the table reads its first entry
    a = np.array([[1.0, 0.0, 1.0, 0.5, eps, 0.5 / 255, 0.002, 1.0]], f32)
    np.testing.assert_array_equal(cpu.palette_map(t, a, lut, alut),
                                  ref.palette_map(t, a, lut, alut))
    tn = np.array([[np.nan, 0.5, np.nan]], f32)  # a fault upstream: entry 0, no crash
    an = np.array([[np.nan, np.nan, 0.5]], f32)
    got = cpu.palette_map(tn, an, lut, alut)
    np.testing.assert_array_equal(got, ref.palette_map(tn, an, lut, alut))
    np.testing.assert_array_equal(got[0, 0], np.clip(lut[0] * alut[0], 0, 1))
    np.testing.assert_array_equal(got[0, 2], np.clip(lut[0] * alut[128], 0, 1))
    t, a = rnd(rng, (48, 80)), rnd(rng, (48, 80))
    out = np.empty((48, 80, 3), f32)
    assert cpu.palette_map(t, a, lut, alut, out=out) is out
    np.testing.assert_array_equal(out, ref.palette_map(t, a, lut, alut))


@pytest.mark.parametrize("factor", [2, 4, 8])
def test_downsample_box(factor):
    rng = np.random.default_rng(11)
    for shape in ((64, 96, 3), (64, 96)):
        img = rnd(rng, shape)
        close(cpu.downsample_box(img, factor), ref.downsample_box(img, factor))
        small = (64 // factor, 96 // factor, *shape[2:])
        out = np.empty(small, f32)
        assert cpu.downsample_box(img, factor, out=out) is out
        close(out, ref.downsample_box(img, factor))
        strided = np.empty((small[1], small[0], *shape[2:]), f32).swapaxes(0, 1)
        assert cpu.downsample_box(img, factor, out=strided) is strided
        close(np.ascontiguousarray(strided), ref.downsample_box(img, factor))


def test_upsample_add():
    rng = np.random.default_rng(12)
    base = rnd(rng, (64, 96, 3))
    small = rnd(rng, (8, 12, 3))
    close(cpu.upsample_add(base, small, 0.3), ref.upsample_add(base, small, 0.3))
    out = np.empty_like(base)
    assert cpu.upsample_add(base, small, 1.5, out=out) is out  # clipped at 1
    close(out, ref.upsample_add(base, small, 1.5))
    small2 = rnd(rng, (16, 24))  # 2-D, no base: the plain upsample, not clipped
    o1, o2 = np.empty((64, 96), f32), np.empty((64, 96), f32)
    close(cpu.upsample_add(None, small2 * 3, 0.0, out=o1),
          ref.upsample_add(None, small2 * 3, 0.0, out=o2))
    assert o1.max() > 1


@pytest.mark.parametrize("fit", ["stretch", "contain", "cover"])
@pytest.mark.parametrize("size", [(64, 96), (24, 40), (129, 7), (64, 48), (320, 576)])
def test_resize_bilinear(size, fit):
    rng = np.random.default_rng(13)
    img = rnd(rng, (64, 48, 3))
    got, want = cpu.resize_bilinear(img, *size, fit), ref.resize_bilinear(img, *size, fit)
    close(got, want)
    assert np.array_equal(got == 0, want == 0)  # the same bars


def test_coverage_stats():
    rng = np.random.default_rng(14)
    A = rnd(rng, (64, 80)) ** 3
    for gate in (0.0, 0.01, 0.3, 1.0):
        close(cpu.coverage_stats(A, gate), ref.coverage_stats(A, gate), rtol=1e-6, atol=1e-7)
    out = np.full(2, -1, f32)
    assert cpu.coverage_stats(A, 0.3, out=out) is out
    close(out, ref.coverage_stats(A, 0.3), rtol=1e-6, atol=1e-7)


# -- whole frames --------------------------------------------------------------------------

@pytest.mark.parametrize("preset,grid", [
    ("amoeba", None), ("sl_gliders", None), ("mnca_mitosis", None), ("labyrinth", None),
    ("tide_pool", None),
    # a rectangular grid per family (Lenia, SmoothLife, MNCA, Gray-Scott): 96 x 48
    ("amoeba", (96, 48)), ("sl_gliders", (96, 48)), ("mnca_mitosis", (96, 48)),
    ("labyrinth", (96, 48))])
def test_first_frames_match_the_reference_kernels(preset, grid, load_graph, monkeypatch):
    """The whole preset graph with the twins tracks the reference kernels over a few frames
    (on a square grid, and on a rectangular one)."""
    if os.environ.get("CAGRAPH_KERNELS") == "reference":
        pytest.skip("CAGRAPH_KERNELS=reference forces the reference kernels")

    def frames(be):
        g = load_graph(preset)
        for nd in g.nodes.values():  # one engine step per frame: no warm-up steps on top
            if nd.type.startswith("engine."):
                nd.params["warmup"] = 0
        rt = Runtime(g, backend=be, size=None if grid else 64, grid=grid, exact_grid=True)
        assert rt.ctx.shape == ((grid[1], grid[0]) if grid else (64, 64))
        rt.ctx.steps_override = 1
        out = []
        for _ in range(3):
            rt.step()
            out.append(rt.output_host().copy())
        return out

    fast_be = Backend()
    assert fast_be.k.implementation("signals") == "numba"
    fast = frames(fast_be)
    monkeypatch.setenv("CAGRAPH_KERNELS", "reference")
    ref_be = Backend()
    assert ref_be.k.implementation("signals") == "reference"
    want = frames(ref_be)
    for g, w in zip(fast, want):
        np.testing.assert_allclose(g, w, atol=2e-4)


@pytest.mark.parametrize("p", [1.4, 0.2, 2.0, 3.0, 0.5])
def test_power(p):
    rng = np.random.default_rng(15)
    x = rnd(rng, (48, 80))
    x[0, :6] = (0.0, 1.0, 1e-30, 1e-39, 0.5, 2.5)  # zero, one, tiny, subnormal
    close(cpu.power(x, p), ref.power(x, p))
    x[1, :3] = (-0.5, -2.0, -1e-30)  # below zero: no intensity (zones add negative offsets)
    got = cpu.power(x, p)
    close(got, ref.power(x, p))
    assert (got[1, :3] == 0).all() and np.isfinite(got).all()


# -- backend FFT passes and subnormal flushing ----------------------------------------------

@pytest.mark.parametrize("shape", [(64, 64), (48, 80), (3, 32, 40)])
def test_backend_fft_passes_are_bitwise_scipys_2d_transforms(shape):
    import scipy.fft as sf

    be = Backend()
    a = rnd(np.random.default_rng(5), shape)
    f = be.rfft2(a)
    assert np.array_equal(f, sf.rfft2(a, workers=1))
    back = be.irfft2(f.copy(), shape[-2:])  # (bitwise on square grids; rounding elsewhere)
    np.testing.assert_allclose(back, sf.irfft2(f, s=shape[-2:], workers=1), atol=1e-6)


@pytest.mark.skipif(not cpu._X86, reason="x86-64 only")
def test_frames_flush_subnormals_in_the_calling_thread_and_the_kernels_threads():
    import threading

    # a subnormal made from its bits (a conversion would already be flushed to 0 in a
    # thread that ran frames)
    tiny = np.array([1 << 20], np.int32).view(f32)[0]
    res = {}

    def run():  # a fresh thread (as the editor's preview worker): begin_frame covers it
        cpu.flush_denormals_here(False)
        res["before"] = float(np.multiply(tiny, f32(1.0)))
        Backend().begin_frame()
        res["after"] = float(np.multiply(tiny, f32(1.0)))
        A = np.full((64, 64), tiny, f32)  # the parallel kernels' threads too
        res["kernel"] = float(cpu.lenia_growth(np.zeros_like(A), A, 0.5, 0.1, 0.0).max())
        cpu.flush_denormals_here(False)

    t = threading.Thread(target=run)
    t.start()
    t.join()
    assert res["before"] != 0 and res["after"] == 0 and res["kernel"] == 0, res


@pytest.mark.parametrize("stack", [None, 1, 3])
@pytest.mark.parametrize("in_place", [False, True])
def test_spectral_mul_real_spectra(stack, in_place):
    """Symmetric kernels' spectra are real on the CPU (Backend.spectrum): the twin's two
    products per bin are bitwise NumPy's complex-by-real product, in place too."""
    if in_place and stack == 3:
        pytest.skip("a stack is written to its own buffer")
    rng = np.random.default_rng(9)
    shape = (48, 41)
    F = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(np.complex64)
    K = rnd(rng, shape if stack is None else (stack, *shape), -1, 1)
    want = ref.spectral_mul(F, K)
    F2 = F.copy()
    out = (F2 if stack is None else F2[None]) if in_place else None
    got = cpu.spectral_mul(F2, K, out=out)
    assert got.dtype == np.complex64 and np.array_equal(got.reshape(want.shape), want)
    Kc = K.astype(np.complex64)  # complex spectra: NumPy's product
    np.testing.assert_array_equal(cpu.spectral_mul(F, Kc), ref.spectral_mul(F, Kc))


def test_numpy_spectra_of_symmetric_kernels_are_real():
    from nodes.library.engines import kernel_spectrum, ring_kernel

    be = Backend()
    k = kernel_spectrum(be, ring_kernel(3, 7), (48, 40))
    assert k.dtype == np.float32 and k.shape == (48, 21)
    lopsided = np.zeros((5, 5))
    lopsided[2, 2], lopsided[2, 4] = 1.0, 1.0  # not symmetric: stays complex
    assert kernel_spectrum(be, lopsided, 32).dtype == np.complex64


def test_rgb_to_u8():
    rng = np.random.default_rng(10)
    x = rnd(rng, (48, 40, 3), -0.2, 1.2)
    x[0, 0, 0], x[0, 1, 1], x[1, 0, 2] = np.nan, 1.0 - 1e-7, 0.5 / 255
    want = ref.rgb_to_u8(x)
    assert want.dtype == np.uint8 and want[0, 0, 0] == 0
    np.testing.assert_array_equal(cpu.rgb_to_u8(x), want)
    out = np.zeros_like(want)
    assert cpu.rgb_to_u8(x[:, ::-1], out=out) is out  # any layout in, the given array out
    np.testing.assert_array_equal(out, ref.rgb_to_u8(x[:, ::-1]))


@pytest.mark.parametrize("k, shape", [(2, (48, 40)), (3, (50, 41)), (4, (64, 36))])
def test_shrink_rgb8(k, shape):
    rng = np.random.default_rng(11)
    img = rng.integers(0, 256, (*shape, 3), dtype=np.uint8)
    img[:k, :k] = 255  # a white block stays white; a block of 1s and 2s rounds
    img[k:2 * k, :k] = (1, 2, 128)
    img[k, 0] = (2, 1, 127)
    want = ref.shrink_rgb8(img, k)
    assert want.dtype == np.uint32 and want.shape == (shape[0] // k, shape[1] // k)
    assert want[0, 0] == 0xFFFFFFFF
    block = img[k:2 * k, :k].reshape(-1, 3).astype(float).mean(axis=0)
    assert want[1, 0] == 0xFF000000 | sum(int(np.floor(c + 0.5)) << s
                                          for c, s in zip(block, (16, 8, 0)))
    np.testing.assert_array_equal(cpu.shrink_rgb8(img, k), want)
    np.testing.assert_array_equal(cpu.shrink_rgb8(img[:, ::-1], k), ref.shrink_rgb8(img[:, ::-1], k))


@pytest.mark.parametrize("k", [2, 3, 5, 16])
def test_shrink_rgb8_rounds_every_block_sum_as_the_reference(k):
    """Every sum a k x k block of bytes can have, 0 to 255 k^2, in each channel: the
    numba kernel's mean (float64 with a bias) rounds as the reference's integers."""
    sums = np.arange(255 * k * k + 1)
    n = sums.size
    blocks = np.zeros((n, k * k), np.int64)
    left = sums.copy()
    for c in range(k * k):  # fill byte by byte: 255s, then the remainder
        blocks[:, c] = np.minimum(left, 255)
        left -= blocks[:, c]
    side = int(np.ceil(np.sqrt(n)))
    pad = np.zeros((side * side, k * k), np.int64)
    pad[:n] = blocks
    img = pad.reshape(side, side, k, k).transpose(0, 2, 1, 3).reshape(side * k, side * k)
    rgb = np.stack([img, img[::-1], img[:, ::-1]], axis=-1).astype(np.uint8)
    np.testing.assert_array_equal(cpu.shrink_rgb8(rgb, k), ref.shrink_rgb8(rgb, k))


@pytest.mark.skipif(not cpu._X86, reason="x86-64 only")
def test_a_frame_gives_the_calling_thread_its_subnormals_back():
    """The flush lasts one frame in the calling thread: the code around frames (Scope, the
    test runner: hypothesis refuses to run in a thread that flushes) keeps IEEE subnormals."""
    from pathlib import Path

    import nodes

    tiny = np.array([1 << 20], np.int32).view(f32)[0]
    cpu.flush_denormals_here(False)
    graph = nodes.load(Path(__file__).resolve().parents[2] / "graphs" / "labyrinth.graph")
    rt = nodes.Runtime(graph, backend="numpy", size=32, seed=0)
    assert rt.be.k.implementation("advect") == "numba"
    rt.step()
    rt.step()
    assert float(np.multiply(tiny, f32(1.0))) != 0.0
