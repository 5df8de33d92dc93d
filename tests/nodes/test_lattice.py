"""Advection on the 512 lattice (issue 15, part 1: the same organism at every size).

A bilinear trace blurs each step by a fraction of a pixel, the same on every grid, so on a
grid s times finer (the flows scale with it) the blur is s^2 times weaker relative to the
organism: sl_worms' SmoothLife rings, which break into worms at 512 within ~50 frames, stayed
whole rings at 2048 for 200 (benchmarks/worms_scale.py).  SmoothLife now traces between
pixels round(s) apart (nodes.lattice): the blur, in 512 px, is the 512 trace's."""

from __future__ import annotations

import numpy as np
import pytest

from nodes import lattice
from nodes.backend import get_backend
from nodes.kernels import cpu, ref
from nodes.library.engines import Lenia, SmoothLife
from nodes.library.flow import basis
from nodes.library.seeds import SeedRecipe
from nodes.spec import Context
from nodes_helpers import params_of

f32 = np.float32


@pytest.mark.parametrize("size, k", [(256, 1), (512, 1), (640, 1), (767, 1), (768, 2),
                                     (1024, 2), (1080, 2), (1536, 3), (2048, 4)])
def test_spacing_is_the_512_pixel(size, k):
    assert lattice.spacing(size) == k


def _spread(a: np.ndarray) -> tuple[float, float]:
    """(mean, variance) of the rows' profile of ``a`` (mass over y), in rows."""
    p = a.sum(axis=1).astype(np.float64)
    y = np.arange(len(p))
    m = (p * y).sum() / p.sum()
    return m, (p * (y - m) ** 2).sum() / p.sum()


@pytest.mark.parametrize("impl", ["reference", "numba"])
def test_the_blur_of_a_step_is_the_512_traces_in_512_px(impl):
    """A band traced 40 steps by a flow of 0.3 px/step at 512 (s x that at s times the
    grid): its spread grows by 40 x 0.3 x 0.7 = 8.4 px^2 at 512, and by the same in 512 px
    on the lattice at 1024 and 2048 (the per-pixel trace: 40 x 0.6 x 0.4 / 4 = 2.4 at 1024,
    40 x 0.2 x 0.8 / 16 = 0.4 at 2048).  The band moves as far either way."""
    fn = ref.advect_lattice if impl == "reference" else cpu.advect_lattice
    grow, pixel = {}, {}
    for s in (1, 2, 4):
        n = 64 * s
        y = (np.arange(n, dtype=np.float64) + 0.5) / s
        band = np.exp(-0.5 * ((y - 20.0) / 2.0) ** 2).astype(f32)
        src = np.repeat(band[:, None], 8 * s, axis=1)
        flow = np.zeros((2, n, 8 * s), f32)
        flow[0] = f32(0.3 * s)
        m0, v0 = _spread(src)
        a, b = src.copy(), src.copy()
        for _ in range(40):
            a = fn(a, flow, s, out=np.empty_like(a))
            b = ref.advect(b, flow, 1.0)
        m1, v1 = _spread(a)
        assert (m1 - m0) / s == pytest.approx(12.0, abs=1e-3)
        grow[s] = (v1 - v0) / (s * s)
        pixel[s] = (_spread(b)[1] - v0) / (s * s)
    assert grow[1] == pytest.approx(8.4, rel=1e-3)
    assert grow[2] == pytest.approx(grow[1], rel=0.01)
    assert grow[4] == pytest.approx(grow[1], rel=0.01)
    assert pixel[2] == pytest.approx(2.4, rel=0.01) and pixel[4] == pytest.approx(0.4, rel=0.02)


@pytest.mark.parametrize("shape, k", [((48, 80), 2), ((64, 64), 4), ((60, 36), 3),
                                      ((32, 32), 1)])
def test_numba_twin_matches_the_reference(shape, k):
    """Random fields and flows, traces several periods away included (the wrap)."""
    rng = np.random.default_rng(k)
    src = rng.random(shape, dtype=f32)
    for amp in (0.7, 6.0, 90.0):
        flow = (rng.standard_normal((2, *shape)) * amp).astype(f32)
        want = ref.advect_lattice(src, flow, k)
        got = cpu.advect_lattice(src, flow, k, out=np.empty_like(src))
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError):
        cpu.advect_lattice(src, flow, k, out=src)


def test_spacing_one_is_the_per_pixel_trace():
    """k = 1 is :func:`advect` (up to float rounding; the engines run advect itself then)."""
    rng = np.random.default_rng(1)
    src = rng.random((48, 80), dtype=f32)
    flow = (rng.standard_normal((2, 48, 80)) * 3).astype(f32)
    np.testing.assert_allclose(ref.advect_lattice(src, flow, 1), ref.advect(src, flow, 1.0),
                               atol=1e-5)


def _transport(cls, size: int, steps: int, monkeypatch, lattice_on: bool | None = None):
    """An engine's world after ``steps`` steps of transport alone (its rule is switched
    off) along a vertical flow of 0.4 px/step at 512 from a noise-free disc seed, box-
    averaged to 512; ``lattice_on`` None: the class's own ``lattice_advection``."""
    monkeypatch.setattr(cls, "rule_step", lambda self, ctx, params: None)
    monkeypatch.setattr(cls, "prepare", lambda self, ctx, params: None)
    if lattice_on is not None:
        monkeypatch.setattr(cls, "lattice_advection", lattice_on)
    be = get_backend("numpy")
    ctx = Context(be, size, size, size, 30.0)
    eng = cls("engine", 7)
    flow = basis("vertical", size) * f32(0.4 * ctx.res_scale)
    seed = SeedRecipe("disc", density=1.0, radius=0.2, noise=0.0)
    eng.process(ctx, {"seed": seed, "flow": flow, "steps": float(steps)},
                params_of(cls, warmup=0))
    a = np.asarray(eng.world(), np.float64)
    k = size // 512
    return a.reshape(512, k, 512, k).mean(axis=(1, 3)) if k > 1 else a


def _smoothlife_transport(size: int, steps: int, monkeypatch, lattice_on: bool = True):
    return _transport(SmoothLife, size, steps, monkeypatch, lattice_on)


def _sharpness(a: np.ndarray) -> float:
    return float((np.diff(a, axis=0) ** 2).sum())


def test_smoothlife_at_1024_blurs_its_world_as_at_512(monkeypatch):
    """The disc's top and bottom edges, traced 24 steps, are as soft at 1024 (box-averaged
    to 512) as at 512; with the per-pixel trace (the old code) they stay 2.9x as sharp."""
    at512 = _sharpness(_smoothlife_transport(512, 24, monkeypatch))
    at1024 = _sharpness(_smoothlife_transport(1024, 24, monkeypatch))
    pixel = _sharpness(_smoothlife_transport(1024, 24, monkeypatch, lattice_on=False))
    assert at1024 == pytest.approx(at512, rel=0.05)
    assert pixel > 1.3 * at512


def test_smoothlife_at_512_traces_every_pixel_as_before(monkeypatch):
    """At 512 (spacing 1) the lattice changes nothing: the world is bit for bit the
    per-pixel trace's."""
    on = _smoothlife_transport(512, 6, monkeypatch)
    off = _smoothlife_transport(512, 6, monkeypatch, lattice_on=False)
    np.testing.assert_array_equal(on, off)


def test_lenia_at_1024_blurs_its_world_as_at_512(monkeypatch):
    """Lenia traces on the 512 lattice too (its own class setting, not patched here):
    per pixel its presets came out fuller and paler at 2048 (heartbeat: 29 % of the lit
    pixels above 0.9 in a channel against 9 % at 512; benchmarks/lenia_scale.py)."""
    at512 = _sharpness(_transport(Lenia, 512, 24, monkeypatch))
    at1024 = _sharpness(_transport(Lenia, 1024, 24, monkeypatch))
    assert at1024 == pytest.approx(at512, rel=0.05)


def test_lenia_at_512_traces_every_pixel_as_before(monkeypatch):
    on = _transport(Lenia, 512, 6, monkeypatch)
    off = _transport(Lenia, 512, 6, monkeypatch, lattice_on=False)
    np.testing.assert_array_equal(on, off)


def test_worms_scale_reads_rings_as_rings_and_worms_as_worms():
    """benchmarks/worms_scale.py's ringness: ~1 for concentric rings off the centre, low for
    a field of worm-like blobs."""
    from nodes_helpers import benchmark_module

    ws = benchmark_module("worms_scale")
    yy, xx = np.mgrid[0:256, 0:256] + 0.5
    r = np.hypot(yy - 140, xx - 120)
    rings = ((np.cos(r / 6.0) > 0) & (r < 60)).astype(np.float64)
    assert ws.ringness(rings) > 0.9
    rng = np.random.default_rng(0)
    from scipy.ndimage import gaussian_filter

    blobs = gaussian_filter(rng.standard_normal((256, 256)), 4) > 0
    worms = (blobs & (r < 60)).astype(np.float64)
    assert ws.ringness(worms) < 0.2
    m = ws.measure(worms)
    assert m["comps"] > 5 and 0.0 < m["cover"] < 0.1


@pytest.mark.parametrize("where", ["middle", "left edge", "top edge", "none"])
@pytest.mark.parametrize("speed", [0.7, 6.0, 90.0])
@pytest.mark.parametrize("k", [2, 3])
def test_lattice_post_is_the_trace_then_post_step_and_skips_only_zeros(where, speed, k):
    """The fused CPU pass (only the columns that can trace to a non-zero pixel) is bitwise
    advect_lattice then post_step, and the reference's, also where the trace wraps."""
    rng = np.random.default_rng(21)
    h, w = 64, 96
    src = np.zeros((h, w), f32)
    y, x = {"middle": (30, 40), "left edge": (20, 0), "top edge": (0, 50),
            "none": (None, None)}[where]
    if y is not None:
        src[y:y + 5, x:x + 4] = rng.uniform(0.2, 1.0, (5, 4)).astype(f32)
    vel = (rng.standard_normal((2, h, w)) * speed).astype(f32)
    prev = rng.random((h, w), dtype=f32)
    noise = rng.standard_normal((h, w)).astype(f32)
    args = (rng.uniform(0.9, 1.0, (h, w)).astype(f32), noise, 5, 17, h - 1, w - 1,
            rng.uniform(0, 0.01, (h, w)).astype(f32), rng.uniform(-0.01, 0.01, (h, w)).astype(f32),
            rng.uniform(-0.01, 0.01, (h, w)).astype(f32), 0.3, -0.95, 0.012, 0.03, 0.3)
    o1, p1 = np.full_like(src, 7.0), prev.copy()
    assert cpu.advect_lattice_post(src, vel, k, o1, p1, *args) is o1
    o2, p2 = cpu.advect_lattice(src, vel, k, out=np.empty_like(src)), prev.copy()
    cpu.post_step(o2, p2, *args)
    assert np.array_equal(o1, o2) and np.array_equal(p1, p2), where
    o3, p3 = np.empty_like(src), prev.copy()
    ref.advect_lattice_post(src, vel, k, o3, p3, *args)
    np.testing.assert_allclose(o1, o3, atol=1e-6)
    np.testing.assert_allclose(p1, p3, atol=1e-6)
