"""Lenia's potential on the 512 lattice (nodes/lattice.py): on a grid k = round(size / 512)
times finer the world's k x k block means are convolved with the 512 kernel and each pixel
grows from that potential, brought back bilinearly (``lenia_growth_lattice``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nodes
from nodes.backend import get_backend
from nodes.kernels import cpu, ref
from nodes.library.engines import Lenia
from nodes.spec import Context
from nodes_helpers import params_of

ROOT = Path(__file__).resolve().parents[2]


def test_taps_of_the_whole_torus_are_the_periodic_upsample_s():
    for n, k in ((1024, 2), (96, 3), (64, 4)):
        i0, i1, f, ext = ref.lattice_taps(n, k, 0, n // k, n // k)
        assert ext == (0, n)
        # the same pixel centres as ref.upsample_add: a constant field stays constant and
        # a ramp on the lattice is a ramp on the pixels (away from the wrap)
        ramp = np.arange(n // k, dtype=np.float32)
        up = ramp[i0] * (1 - f) + ramp[i1] * f
        want = (np.arange(n) + 0.5) / k - 0.5
        inner = slice(k, n - k)
        np.testing.assert_allclose(up[inner], want[inner], atol=1e-6)


def test_taps_outside_a_window_read_the_padded_zero_and_the_range_covers_the_rest():
    n, k, start, size = 64, 2, 5, 9  # lattice points 5..13 of 32
    i0, i1, f, (lo, hi) = ref.lattice_taps(n, k, start, size, n // k)
    inside = (i0 < size) | (i1 < size)
    assert np.flatnonzero(inside).tolist() == list(range(lo, hi))
    # pixel 9 (centre at lattice 4.25) is the first with a tap on point 5, pixel 28 (13.75)
    # the last with one on point 13
    assert (lo, hi) == (9, 29)
    assert (i0[~inside] == size).all() and (i1[~inside] == size).all()


CASES = [(2, None), (2, (3, 5, 20, 14)), (3, (0, 0, 16, 12)), (4, (20, 0, 4, 24)),
         (4, (9, 13, 3, 3)), (2, (31, 23, 1, 1))]


@pytest.mark.parametrize("k, window", CASES)
def test_the_numba_growth_is_the_reference_s(k, window):
    rng = np.random.default_rng(k)
    H, W = 32 * k, 24 * k
    A = rng.random((H, W), dtype=np.float32)
    y0, x0, hu, wu = window or (0, 0, H // k, W // k)
    U = (rng.random((hu, wu), dtype=np.float32) * 0.3).astype(np.float32)
    want = ref.lenia_growth_lattice(U, A, 0.15, 0.02, 0.1, k, y0, x0, np.ones_like(A))
    got = cpu.lenia_growth_lattice(U, A, 0.15, 0.02, 0.1, k, y0, x0, np.ones_like(A))
    np.testing.assert_allclose(got, want, atol=2e-7)
    _, _, _, (ey0, ey1) = ref.lattice_taps(H, k, y0, hu, H // k)
    _, _, _, (ex0, ex1) = ref.lattice_taps(W, k, x0, wu, W // k)
    outside = np.ones(A.shape, bool)
    outside[ey0:ey1, ex0:ex1] = False
    assert not got[outside].any() and got[~outside].any()


def test_on_the_whole_torus_it_is_the_upsampled_potential_s_growth():
    rng = np.random.default_rng(7)
    A = rng.random((96, 64), dtype=np.float32)
    U = (rng.random((48, 32), dtype=np.float32) * 0.3).astype(np.float32)
    up = ref.upsample_add(None, U, 1.0, out=np.empty(A.shape, np.float32))
    want = ref.lenia_growth(up, A, 0.15, 0.02, 0.1)
    got = cpu.lenia_growth_lattice(U, A, 0.15, 0.02, 0.1, 2, 0, 0, np.empty_like(A))
    np.testing.assert_allclose(got, want, atol=2e-7)


def _lenia(width, height):
    g = nodes.load(ROOT / "graphs" / "amoeba.graph")
    return nodes.Runtime(g, backend="numpy", grid=(width, height))


@pytest.mark.parametrize("grid, k", [((512, 512), 1), ((1024, 1024), 2), ((2048, 1024), 2),
                                     ((1024, 1040), 2), ((1280, 1280), 2), ((1536, 1536), 3)])
def test_the_potential_s_lattice_spacing(grid, k):
    rt = _lenia(*grid)
    eng = rt.nodes["engine"]
    assert eng._potential_spacing(rt.ctx) == k


class _Spy:
    """The backend's kernels, recording the potential each growth kernel is given."""

    def __init__(self, be):
        self.k, self.seen = be.k, {}
        be.k = self

    def __getattr__(self, name):
        f = getattr(self.k, name)
        if not name.startswith("lenia_growth"):
            return f

        def spy(U, *a, **kw):
            self.seen[name] = (np.array(U), a)
            return f(U, *a, **kw)
        return spy


def _engine(size):
    be = get_backend("numpy")
    ctx = Context(be, size, size, size, 30.0)
    eng = Lenia("engine", 7)
    params = params_of(Lenia, warmup=0, mu=0.222, sigma=0.045, T=25.0)
    eng.process(ctx, {"steps": 0.0}, params)  # the world, its kernel and spectrum
    return eng, ctx, params


def test_a_1024_step_sees_the_512_potential_of_the_same_world():
    """The world at 1024 drawn as 2 x 2 blocks of the 512 world: its step convolves the 512
    world with the 512 kernel (the old per-pixel potential, a radius-26 kernel on the 1024
    grid, differs from it by ~1e-3) and grows every pixel from it."""
    (e512, c512, params), (e1024, c1024, _) = _engine(512), _engine(1024)
    rng = np.random.default_rng(3)
    yy, xx = np.mgrid[0:512, 0:512]
    A512 = (rng.random((512, 512), dtype=np.float32)
            * (np.hypot(yy - 250, xx - 270) < 90)).astype(np.float32)
    e512.state["A"][...] = A512
    e1024.state["A"][...] = np.kron(A512, np.ones((2, 2), np.float32))
    for e in (e512, e1024):  # each chooses its window afresh, from the same box
        e.state.pop("conv_window", None)
    s512, s1024 = _Spy(c512.backend), _Spy(c1024.backend)
    try:
        e512.rule_step(c512, params)
        e1024.rule_step(c1024, params)
    finally:
        c1024.backend.k = s1024.k
        c512.backend.k = s512.k
    (U512, a512) = s512.seen["lenia_growth_window"]
    (U1024, a1024) = s1024.seen["lenia_growth_lattice"]
    # the same window of the same lattice, the same numbers to rounding
    y0, x0 = a512[4:6]
    assert a1024[5:7] == (y0, x0) and U1024.shape == U512.shape
    np.testing.assert_allclose(U1024, U512, atol=2e-6)
    assert np.abs(U512).max() > 0.1
    # and the new world is that potential's growth at every pixel
    want = ref.lenia_growth_lattice(U512, e1024.state["B"], 0.222, 0.045, 1 / 25.0, 2, y0, x0,
                                    np.empty((1024, 1024), np.float32))
    np.testing.assert_allclose(e1024.state["A"], want, atol=2e-6)


def test_lenia_at_1024_keeps_its_look(monkeypatch):
    """amoeba at 1024 with the lattice potential: the organism's measures as at 512
    (benchmarks/lenia_scale.py's, at simulation frame 40)."""
    from nodes_helpers import benchmark_module

    ls = benchmark_module("lenia_scale")
    got = {}
    for size in (512, 1024):
        (_, rgb, world), = ls.run(ROOT / "graphs" / "amoeba.graph", size, [40], "lattice")
        got[size] = ls.stats(rgb, world)
    for key, tol in (("cover", 0.25), ("full", 0.25), ("edge", 0.25), ("lit", 0.25)):
        assert got[1024][key] == pytest.approx(got[512][key], rel=tol), key
