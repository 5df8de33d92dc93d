"""The CPU's FFT window (nodes/conv_window.py): Lenia convolves only where the organism is,
and gets what the full-grid FFT gets, to rounding."""

import numpy as np
import pytest

import nodes
from nodes import conv_window
from nodes.conv_window import EMPTY, ConvWindow, smooth_len


@pytest.fixture(autouse=True)
def _small_grids_too(monkeypatch, request):
    # the mechanism on small, quick grids (a real take uses it from 512 x 512 on)
    if "default_size" not in request.node.name:
        monkeypatch.setattr(conv_window, "MIN_PIXELS", 0)


def test_grids_under_512_run_the_full_fft_by_default_size():
    assert ConvWindow().place((100, 150, 100, 160), 5, (256, 256)) is None
    assert ConvWindow().place((100, 150, 100, 160), 5, (512, 512)) is not None
from nodes.kernels import cpu, ref
from nodes.library.engines import Lenia


def _smooth(n):
    for p in (2, 3, 5):
        while n % p == 0:
            n //= p
    return n == 1


def test_smooth_len():
    assert [smooth_len(n) for n in (1, 7, 11, 97, 128, 811)] == [1, 8, 12, 100, 128, 864]


def test_the_window_holds_the_box_and_a_kernel_around_it():
    cw = ConvWindow()
    box, m = (300, 600, 250, 500), 31
    y0, y1, x0, x1 = cw.place(box, m, (1024, 1024))
    assert y0 <= 300 - m and y1 >= 601 + m and x0 <= 250 - m and x1 >= 501 + m
    assert 0 <= y0 and y1 <= 1024 and 0 <= x0 and x1 <= 1024
    assert _smooth(y1 - y0) and _smooth(x1 - x0)
    # a few pixels of drift keep the size (one spectrum), and the box stays inside
    size = (y1 - y0, x1 - x0)
    for d in (3, 9, -6):
        y0, y1, x0, x1 = cw.place((300 + d, 600 + d, 250 - d, 500 - d), m, (1024, 1024))
        assert (y1 - y0, x1 - x0) == size
        assert y0 <= 300 + d - m and y1 >= 601 + d + m
    # much smaller: a smaller window
    y0, y1, x0, x1 = cw.place((400, 450, 400, 450), m, (1024, 1024))
    assert y1 - y0 < size[0] // 2


def test_a_state_snapshot_copies_the_size_and_shares_the_spectra():
    import copy

    cw = ConvWindow()
    cw.place((100, 150, 100, 160), 5, (256, 256))
    cw.spectrum(("k", cw.size), lambda: np.ones(3, np.float32))
    twin = copy.deepcopy({"conv_window": cw})["conv_window"]
    assert twin.size == cw.size and twin is not cw and twin.spectra is cw.spectra
    twin.place((10, 200, 10, 200), 5, (256, 256))
    assert twin.size != cw.size


def test_the_window_declines_where_it_would_not_be_exact_or_worth_it():
    cw = ConvWindow()
    assert cw.place(None, 5, (256, 256)) == EMPTY
    assert cw.place((2, 100, 50, 90), 5, (256, 256)) is None  # the torus wraps there
    assert cw.place((50, 100, 50, 252), 5, (256, 256)) is None  # within 5 of the right edge
    assert cw.place((50, 100, 50, 250), 5, (256, 256)) is not None  # 6 away: exact
    assert cw.place((10, 240, 20, 230), 5, (256, 256)) is None  # most of the grid anyway


def test_nonzero_box_twins():
    a = np.zeros((40, 50), np.float32)
    assert ref.nonzero_box(a) is None and cpu.nonzero_box(a) is None
    a[7, 30] = -0.0  # a zero
    assert cpu.nonzero_box(a) is None and ref.nonzero_box(a) is None
    a[5, 9], a[20, 44], a[33, 2] = 1e-30, np.nan, 0.5
    assert cpu.nonzero_box(a) == ref.nonzero_box(a) == (5, 33, 2, 44)


def test_windowed_growth_twins():
    rng = np.random.default_rng(4)
    A = rng.random((64, 80), dtype=np.float32)
    U = rng.random((20, 30), dtype=np.float32)
    want = ref.lenia_growth_window(U, A, 0.2, 0.05, 0.1, 7, 11, np.ones_like(A))
    got = cpu.lenia_growth_window(U, A, 0.2, 0.05, 0.1, 7, 11, np.ones_like(A))
    np.testing.assert_allclose(got, want, atol=1e-6)
    outside = np.ones(A.shape, bool)
    outside[7:27, 11:41] = False
    assert not got[outside].any() and got[~outside].any()


def _amoeba(size):
    rt = nodes.Runtime(nodes.load(nodes_graph("amoeba")), backend="numpy", size=size,
                       preroll=nodes.START_PREROLL)
    rt.step()
    return rt


def nodes_graph(stem):
    from pathlib import Path

    return Path(__file__).resolve().parents[2] / "graphs" / f"{stem}.graph"


def test_a_windowed_lenia_step_is_the_full_fft_step_to_rounding(monkeypatch):
    rt = _amoeba(256)
    eng = rt.nodes["engine"]
    assert eng.state["conv_window"].size is not None  # the take ran windowed
    ctx = rt.ctx
    params = {"mu": 0.222, "sigma": 0.045, "T": 25.0}
    A0 = eng.state["A"].copy()
    win = eng._window(ctx, A0, params["mu"], params["sigma"])
    assert win is not None and win != EMPTY
    eng.rule_step(ctx, params)
    windowed = eng.state["A"].copy()
    eng.state["A"][...] = A0
    monkeypatch.setattr(Lenia, "_window", lambda self, *a: None)
    eng.rule_step(ctx, params)
    full = eng.state["A"]
    np.testing.assert_allclose(windowed, full, atol=2e-6)
    y0, y1, x0, x1 = win
    outside = np.ones(full.shape, bool)
    outside[y0:y1, x0:x1] = False
    assert not windowed[outside].any() and not full[outside].any()


def test_a_take_is_the_same_organism_either_way():
    # from the same state, a few frames windowed and not: the same world (rounding
    # apart); the colours are not compared (a frac() of the signals flips at whole numbers)
    rt, rt_full = _amoeba(256), _amoeba(256)
    np.testing.assert_array_equal(rt.nodes["engine"].state["A"],
                                  rt_full.nodes["engine"].state["A"])  # deterministic
    rt_full.nodes["engine"]._window = lambda *a: None
    for _ in range(3):
        rt.step()
        rt_full.step()
    windowed, full = rt.nodes["engine"].state["A"], rt_full.nodes["engine"].state["A"]
    assert rt.nodes["engine"].state["conv_window"].size is not None
    assert np.abs(full - windowed).max() < 1e-4
