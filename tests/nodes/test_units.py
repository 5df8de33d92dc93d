"""Per-node unit tests against closed forms (issue 2, "Tests" 1)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import nodes
from nodes import Graph, Runtime
from nodes.backend import get_backend
from nodes.kernels import REFERENCE, ref
from nodes.library import colour, engines, flow, life, seeds, signals
from nodes.library.colour import PALETTES, Bloom, Output, Palette, hue_tint
from nodes.library.engines import MNCA, GrayScott, Lenia, SmoothLife, kernel_spectrum
from nodes.library.math import Feedback
from nodes.library.signals import Scheduler, Smooth, wave

from nodes_helpers import GRAPH_FILES, engine_graph, graph_ids, params_of

f32 = np.float32


def _advect_impls():
    be = get_backend("numpy")
    impls = [pytest.param(REFERENCE["advect"] if REFERENCE else ref.advect, id="reference")]
    if be.k.implementation("advect") != "reference":
        impls.append(pytest.param(be.k.advect, id="backend"))
    return impls


# -- engine kernels ----------------------------------------------------------------

def _kernels():
    out = []
    for R in (3.0, 7.5, 13.0):
        out.append(pytest.param(engines.lenia_kernel(R, (0.5,), (0.15,)), id=f"lenia-R{R}"))
    out.append(pytest.param(engines.lenia_kernel(9.0, (0.3, 0.7), (0.18, 0.14)),
                            id="lenia-2shell"))
    inner, outer = engines.smoothlife_kernels(3.0, 9.0)
    out += [pytest.param(inner, id="sl-inner"), pytest.param(outer, id="sl-outer")]
    out += [pytest.param(engines.ring_kernel(0.0, 5.0), id="ring-0-5"),
            pytest.param(engines.ring_kernel(8.0, 15.0), id="ring-8-15")]
    return out


@pytest.mark.parametrize("kernel", _kernels())
def test_kernel_sums_to_one_and_is_centred(be, kernel):
    n = 64
    K = kernel_spectrum(be, kernel, n)
    # a symmetric kernel's spectrum is real: the CPU keeps it as float32, the GPU complex64
    assert K.dtype == (np.float32 if be.name == "numpy" else np.complex64)
    assert abs(complex(K[0, 0]) - 1.0) < 1e-6  # DC term == kernel sum
    y0, x0 = 21, 37
    imp = np.zeros((n, n), f32)
    imp[y0, x0] = 1.0
    U = np.asarray(be.irfft2(be.rfft2(imp) * K, imp.shape), np.float64)
    assert abs(U.sum() - 1.0) < 1e-5
    # potential centred on the impulse: zero first moment, point symmetric around it
    c = np.roll(U, (-y0, -x0), axis=(0, 1))
    off = (np.arange(n) + n // 2) % n - n // 2
    assert abs((c.sum(axis=1) * off).sum()) < 1e-5
    assert abs((c.sum(axis=0) * off).sum()) < 1e-5
    mirrored = np.roll(c[::-1, ::-1], (1, 1), axis=(0, 1))
    np.testing.assert_allclose(c, mirrored, atol=1e-6)
    assert np.isfinite(c).all()


def _circular_com(A):
    n = A.shape[0]
    th = 2 * np.pi * np.arange(n) / n
    res = []
    for axis in (1, 0):
        w = A.astype(np.float64).sum(axis=axis)
        z = (w * np.exp(1j * th)).sum()
        res.append((np.angle(z) % (2 * np.pi)) * n / (2 * np.pi))
    return np.array(res)  # (y, x)


def test_symmetric_blob_does_not_drift_under_lenia(make_ctx):
    n = 128
    ctx = make_ctx(n)
    node = Lenia("e", 1)
    p = params_of(Lenia, R=52.0, mu=0.15, sigma=0.03)  # 13 px at 128
    node._start(ctx, None)
    yy, xx = np.mgrid[0:n, 0:n]
    cy, cx = 70, 45  # off-centre on purpose: drift cannot hide behind grid symmetry
    d = np.sqrt((yy - cy) ** 2 + (xx - cx) ** 2)
    node.state["A"][...] = np.exp(-0.5 * (d / 10.0) ** 2)
    c0 = _circular_com(node.state["A"])
    for _ in range(60):
        node.process(ctx, {}, p)
    A = np.asarray(node.state["A"])
    assert A.mean() > 0.01 and A.std() > 0.05  # the organism lives and is not uniform
    drift = np.abs(_circular_com(A) - c0)
    assert drift.max() < 0.05, drift


# -- uniform fields, steady states -------------------------------------------------------

def _start(cls, ctx, value, **params):
    node = cls("x", 1)
    node._start(ctx, None)
    node.state["A"][...] = value
    return node, params_of(cls, **params)


def test_uniform_field_lenia_closed_form(make_ctx):
    ctx = make_ctx(64)
    node, p = _start(Lenia, ctx, 0.14, mu=0.15, sigma=0.02, T=10.0)
    a = 0.14
    for _ in range(4):
        node.process(ctx, {}, p)
        a = min(max(a + 0.1 * (2 * math.exp(-0.5 * ((a - 0.15) / 0.02) ** 2) - 1), 0.0), 1.0)
        A = np.asarray(node.state["A"])
        assert A.std() < 1e-6
        assert A.mean() == pytest.approx(a, abs=2e-5)


def test_uniform_field_smoothlife_closed_form(make_ctx):
    ctx = make_ctx(64)
    node, p = _start(SmoothLife, ctx, 0.3)

    def sig(x, a, al):
        return 1 / (1 + math.exp(-(x - a) / al))

    a = 0.3
    for _ in range(4):
        node.process(ctx, {}, p)
        sm = sig(a, 0.5, p["alpha_m"])
        birth = sig(a, p["b1"], p["alpha_n"]) * (1 - sig(a, p["b2"], p["alpha_n"]))
        death = sig(a, p["d1"], p["alpha_n"]) * (1 - sig(a, p["d2"], p["alpha_n"]))
        s = birth * (1 - sm) + death * sm
        a = min(max(a + p["dt"] * (2 * s - 1), 0.0), 1.0)
        A = np.asarray(node.state["A"])
        assert A.std() < 1e-6
        assert A.mean() == pytest.approx(a, abs=2e-5)


@pytest.mark.parametrize("value,expected", [(0.23, 0.23), (0.5, 0.4), (0.3, 0.3), (0.05, 0.0)])
def test_uniform_field_mnca_votes(make_ctx, value, expected):
    ctx = make_ctx(64)
    node, p = _start(MNCA, ctx, value, delta=0.05, rings=((0, 5), (8, 15)),
                     rules=((0.20, 0.26), (0.26, 0.46)))
    node.process(ctx, {}, p)
    A = np.asarray(node.state["A"])
    assert A.std() < 1e-6
    assert A.mean() == pytest.approx(expected, abs=1e-5)


def test_grayscott_steady_state_stays_put(make_ctx):
    ctx = make_ctx(64)
    node = GrayScott("g", 1)
    node._start(ctx, None)
    node.state["U"][...] = 1.0
    node.state["A"][...] = 0.0
    p = params_of(GrayScott)
    for _ in range(10):
        node.process(ctx, {}, p)
    np.testing.assert_allclose(np.asarray(node.state["U"]), 1.0, atol=1e-6)
    np.testing.assert_allclose(np.asarray(node.state["A"]), 0.0, atol=1e-6)


# -- advection ------------------------------------------------------------------------

@pytest.mark.parametrize("advect", _advect_impls())
def test_advect_by_zero_field_is_identity(advect):
    rng = np.random.default_rng(1)
    src = rng.random((48, 64), dtype=np.float32)
    vel = np.zeros((2, 48, 64), f32)
    out = advect(src, vel, 1.0, out=np.empty_like(src))
    assert out.dtype == np.float32
    assert np.array_equal(out, src)


@pytest.mark.parametrize("advect", _advect_impls())
@pytest.mark.parametrize("dy,dx", [(0, 1), (1, 0), (-1, 0), (0, -1), (3, -5), (-7, 2),
                                   (64, 0), (0, -64), (65, 129)])
def test_advect_by_whole_pixels_is_roll(advect, dy, dx):
    n = 64
    rng = np.random.default_rng(2)
    src = rng.random((n, n), dtype=np.float32)
    vel = np.empty((2, n, n), f32)
    vel[0], vel[1] = dy, dx
    out = advect(src, vel, 1.0, out=np.empty_like(src))
    # out(p) = src(p - v): content moves by +v; the torus period is exactly N
    np.testing.assert_allclose(out, np.roll(src, (dy, dx), axis=(0, 1)), atol=1e-6)
    out2 = advect(src, vel, -1.0, out=np.empty_like(src))
    np.testing.assert_allclose(out2, np.roll(src, (-dy, -dx), axis=(0, 1)), atol=1e-6)


# -- flow fields --------------------------------------------------------------------------

def _flow_formula(name, x, y):
    """ca-prototype.md section 4 table, written independently at one point."""
    r = math.hypot(x, y)
    rs = max(r, 1e-6)
    rx, ry = x / rs, y / rs
    tx, ty = -ry, rx
    clip = min(max(r, 0.0), 1.0)
    if name == "radial":
        return rx, ry
    if name == "rotate":
        return tx * clip, ty * clip
    if name == "swirl":
        b = clip
        ux, uy = tx * (1 - b / 2) + rx * (b / 2), ty * (1 - b / 2) + ry * (b / 2)
        nrm = math.hypot(ux, uy)
        return ux / nrm * r, uy / nrm * r
    if name == "bubble":
        g = math.exp(-r * r / (2 * 0.3 ** 2))
        return rx * g, ry * g
    if name == "ring":
        g = math.sin(6 * math.pi * r)
        return rx * g, ry * g
    if name == "vortex":
        return tx * clip ** 2, ty * clip ** 2
    if name == "vertical":
        return 0.0, 1.0
    raise AssertionError(name)


_TABLE_MAG = {  # |v| as a function of r (table column "field v(x)")
    "radial": lambda r: 1.0, "rotate": lambda r: min(r, 1.0), "swirl": lambda r: r,
    "bubble": lambda r: math.exp(-r * r / 0.18), "ring": lambda r: abs(math.sin(6 * math.pi * r)),
    "vortex": lambda r: min(r, 1.0) ** 2, "vertical": lambda r: 1.0,
}


@pytest.mark.parametrize("name", flow.BASES)
def test_flow_basis_matches_prototype_table(name):
    n = 64
    v = flow.basis(name, n)
    assert v.shape == (2, n, n) and v.dtype == np.float32
    c = n / 2
    for i, j in [(0, 0), (3, 50), (20, 40), (31, 32), (32, 32), (40, 10), (63, 63), (47, 16)]:
        # pixel centres, normalised so that the frame edge is at +-1
        x, y = (j + 0.5 - c) / c, (i + 0.5 - c) / c
        ex, ey = _flow_formula(name, x, y)
        assert v[1, i, j] == pytest.approx(ex, abs=1e-5), (i, j)
        assert v[0, i, j] == pytest.approx(ey, abs=1e-5), (i, j)
        r = math.hypot(x, y)
        assert math.hypot(v[0, i, j], v[1, i, j]) == pytest.approx(_TABLE_MAG[name](r), abs=1e-5)
    if name in ("rotate", "vortex"):
        # positive strength: clockwise on screen (y down): right of centre moves down
        assert v[0, 32, 60] > 0 and abs(v[1, 32, 60]) < 0.05


def test_flow_mix_is_the_weighted_sum(make_ctx):
    ctx = make_ctx(64)
    node = flow.FlowMix("f", 1)
    w = {"radial": -0.3, "rotate": 0.35, "swirl": 0.5, "ring": 0.0005, "vertical": 1.0}
    p = params_of(flow.FlowMix, speed=2.0, **w)
    v = np.asarray(node.process(ctx, {}, p)["flow"])
    expect = np.zeros((2, 64, 64))
    for b, s in w.items():
        if abs(s) >= 1e-3:  # channels below 0.001 are skipped
            expect += s * 2.0 * (64 / 512) * flow.basis(b, 64)
    assert v.dtype == np.float32
    np.testing.assert_allclose(v, expect, atol=1e-6)


# -- colour --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(PALETTES))
def test_cosine_palette_at_zero(name):
    a, b, c, d = (np.asarray(v, np.float64) for v in PALETTES[name])
    tau = 2 * np.pi
    expect = np.clip(a + b * np.cos(tau * d) + 0.06 * np.cos(tau * (d + 0.3))
                     + 0.03 * np.cos(tau * (d + 0.7)), 0, 1)
    got = Palette(*PALETTES[name])(np.array([0.0]))
    assert got.shape == (1, 3)
    np.testing.assert_allclose(got[0], expect, atol=1e-12)
    # and somewhere else along t, with a hue shift
    t, s = 0.37, 0.2
    e2 = np.clip(a + b * np.cos(tau * (c * t + d + s)) + 0.06 * np.cos(tau * (2.5 * c * t + d + s + 0.3))
                 + 0.03 * np.cos(tau * (4 * c * t + d + s + 0.7)), 0, 1)
    np.testing.assert_allclose(Palette(*PALETTES[name])(np.array([t]), s)[0], e2, atol=1e-12)


def test_palette_clips():
    p = Palette((1.0, 0.0, 0.5), (1.0, 1.0, 0.0), (1.0, 1.0, 1.0), (0.0, 0.5, 0.0))
    out = p(np.linspace(0, 1, 101))
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert out[0, 0] == 1.0 and out[0, 1] == 0.0


@pytest.mark.parametrize("hue,expect", [(0.25, (1.00, 1.43, 0.57)), (0.54, (0.52, 1.13, 1.35)),
                                        (0.90, (1.41, 0.54, 1.05)), (0.0, (1.5, 0.75, 0.75))])
def test_hue_wheel_examples(hue, expect):
    assert hue_tint(hue) == pytest.approx(expect, abs=0.006)


def test_colorize_neutral_hue_and_alpha_curve(make_ctx):
    ctx = make_ctx(64)
    node = colour.Colorize("c", 1)
    t = np.full((64, 64), 0.0, f32)
    a = np.full((64, 64), 1.0, f32)
    p = params_of(colour.Colorize, hue_amount=0.0)
    rgb = np.asarray(node.process(ctx, {"t": t, "alpha": a}, p)["rgb"])
    tt = 0.5 / colour.LUT_SIZE  # the first LUT entry is sampled at its centre
    expect = Palette(*PALETTES["oil_slick"])(np.array([tt]))[0]
    np.testing.assert_allclose(rgb[0, 0], expect, atol=1e-5)
    rgb0 = np.asarray(node.process(ctx, {"t": t, "alpha": np.zeros_like(a)}, p)["rgb"])
    assert rgb0.max() == 0.0


def test_bloom_is_smooth(make_ctx):
    n = 128
    ctx = make_ctx(n)
    img = np.zeros((n, n, 3), f32)
    img[60:68, 40:48] = 0.8
    img[20, 100] = 1.0
    node = Bloom("b", 1)
    out = np.asarray(node.process(ctx, {"rgb": img}, params_of(Bloom, intensity=0.5,
                                                                radius=25.0))["rgb"])
    glow = (out - img)[..., 0].astype(np.float64)
    assert glow.max() > 0.02  # there is a glow
    steps = max(np.abs(np.diff(glow, axis=0)).max(), np.abs(np.diff(glow, axis=1)).max())
    # a nearest-neighbour 8x upsample jumps by ~2/3 of the peak at block edges
    assert steps < 0.25 * glow.max()
    # and the glow varies inside 8x8 blocks too (no flat tiles)
    inside = np.abs(np.diff(glow, axis=1))[:, [i for i in range(n - 1) if i % 8 != 7]]
    assert (inside[50:80, 30:60] > 1e-6).mean() > 0.5


def test_output_resizes_to_width_and_height(make_ctx):
    ctx = make_ctx(64, width=96, height=48)
    node = Output("o", 1)
    img = np.zeros((64, 64, 3), f32)
    img[...] = (np.arange(64, dtype=f32) / 63)[None, :, None]
    out = np.asarray(node.process(ctx, {"rgb": img}, {"fit": "stretch"})["rgb"])
    assert out.shape == (48, 96, 3) and out.dtype == np.float32
    # bilinear, half-pixel centres, clamped edges: column k samples x = (k+.5)*64/96 - .5
    xs = np.clip((np.arange(96) + 0.5) * 64 / 96 - 0.5, 0, 63) / 63
    np.testing.assert_allclose(out[10, :, 1], xs, atol=1e-5)
    np.testing.assert_allclose(out[:, 50, 0], xs[50], atol=1e-6)  # rows are constant
    const = np.full((64, 64, 3), 0.4, f32)
    np.testing.assert_allclose(np.asarray(node.process(ctx, {"rgb": const}, {"fit": "stretch"})
                                          ["rgb"]), 0.4, atol=1e-6)


def _disc(n, r):
    yy, xx = np.mgrid[0:n, 0:n]
    d = ((yy - (n - 1) / 2) ** 2 + (xx - (n - 1) / 2) ** 2 <= r * r).astype(f32)
    return np.repeat(d[..., None], 3, axis=2)


def test_output_contain_keeps_a_circle_round_between_black_bars(make_ctx):
    ctx = make_ctx(64, width=96, height=48)
    node = Output("o", 1)
    assert Output.defaults()["fit"] == "contain"
    out = np.asarray(node.process(ctx, {"rgb": np.full((64, 64, 3), 0.4, f32)},
                                  {"fit": "contain"})["rgb"])
    # one scale (48/64): the image spans columns 24..71, black bars on either side
    assert (out[:, :24] == 0).all() and (out[:, 72:] == 0).all()
    np.testing.assert_allclose(out[:, 24:72], 0.4, atol=1e-6)
    disc = np.asarray(node.process(ctx, {"rgb": _disc(64, 24)}, {"fit": "contain"})["rgb"])
    wide = (disc[24, :, 0] > 0.5).sum()
    tall = (disc[:, 48, 0] > 0.5).sum()
    assert abs(int(wide) - int(tall)) <= 1 and tall >= 34  # round, 0.75 x 49 px across
    stretched = np.asarray(node.process(ctx, {"rgb": _disc(64, 24)}, {"fit": "stretch"})["rgb"])
    assert (stretched[24, :, 0] > 0.5).sum() > 1.8 * (stretched[:, 48, 0] > 0.5).sum()


def test_output_cover_fills_the_frame_and_crops_the_middle(make_ctx):
    ctx = make_ctx(64, width=96, height=48)
    node = Output("o", 1)
    img = np.zeros((64, 64, 3), f32)
    img[...] = (np.arange(64, dtype=f32) / 63)[:, None, None]  # a vertical ramp
    out = np.asarray(node.process(ctx, {"rgb": img}, {"fit": "cover"})["rgb"])
    # one scale (64/96 source px per output px), centred: row k samples
    # y = (k + .5) * 2/3 - .5 + 16, i.e. the middle 32 rows of the image
    ys = ((np.arange(48) + 0.5) * (64 / 96) - 0.5 + 16) / 63
    np.testing.assert_allclose(out[:, 30, 0], ys, atol=1e-5)
    assert out.min() > 0.2 and out.max() < 0.8
    # a square frame is the image whatever the fit
    sq = make_ctx(64, width=32, height=32)
    for fit in ("contain", "cover", "stretch"):
        a = np.asarray(Output("o", 1).process(sq, {"rgb": img}, {"fit": fit})["rgb"])
        np.testing.assert_allclose(a[:, 5, 0], ((np.arange(32) + 0.5) * 2 - 0.5) / 63,
                                   atol=1e-6)


def test_graphs_saved_before_fit_keep_stretching():
    path = next(p for p in GRAPH_FILES if p.stem == "amoeba")
    g = nodes.load(path)
    assert g.nodes["output"].version == 2 and g.nodes["output"].params == {}
    doc = json.loads(path.read_text())
    next(n for n in doc["nodes"] if n["type"] == "out.output")["version"] = 1
    old = nodes.loads(json.dumps(doc))
    assert old.nodes["output"].params == {"fit": "stretch"}

    def frame(graph, **size):
        rt = Runtime(graph, backend="numpy", size=64, **size)
        for _ in range(3):
            rt.step()
        return rt.output_host()

    square = frame(g)
    assert square.shape == (64, 64, 3)
    np.testing.assert_allclose(frame(old, width=96, height=48),
                               ref.resize_bilinear(square, 48, 96, "stretch"), atol=1e-6)
    np.testing.assert_allclose(frame(g, width=96, height=48),
                               ref.resize_bilinear(square, 48, 96, "contain"), atol=1e-6)


def test_runtime_output_size():
    g = engine_graph("engine.lenia")
    rt = Runtime(g, backend="numpy", size=64, width=80, height=32)
    out = rt.step()
    assert out.shape == (32, 80, 3)
    assert rt.output_host().dtype == np.float32


# -- signals ----------------------------------------------------------------------------

@pytest.mark.parametrize("shape,phase,expect", [
    ("sine", 0.0, 0.0), ("sine", 0.25, 1.0), ("sine", 0.5, 0.0), ("sine", 0.75, -1.0),
    ("triangle", 0.0, 0.0), ("triangle", 0.125, 0.5), ("triangle", 0.25, 1.0),
    ("triangle", 0.5, 0.0), ("triangle", 0.75, -1.0), ("triangle", 0.875, -0.5),
    ("saw", 0.0, -1.0), ("saw", 0.25, -0.5), ("saw", 0.5, 0.0), ("saw", 0.999, 0.998),
    ("square", 0.0, 1.0), ("square", 0.49, 1.0), ("square", 0.5, -1.0), ("square", 0.99, -1.0),
])
def test_lfo_wave_shapes(shape, phase, expect):
    assert wave(shape, phase) == pytest.approx(expect, abs=1e-9)
    for k in (1, 7, -3, 1000):  # the phase wraps: any whole number of cycles is the same
        assert wave(shape, phase + k) == pytest.approx(expect, abs=1e-6)


def test_lfo_noise_is_smooth_and_bounded():
    table = np.random.default_rng(3).uniform(-1, 1, 256)
    ph = np.linspace(0, 20, 20001)
    v = np.array([wave("noise", p, table) for p in ph])
    assert v.min() >= -1 and v.max() <= 1
    assert v.std() > 0.1  # it moves
    assert np.abs(np.diff(v)).max() < 0.005  # max slope pi/2 * 2 per cycle, step 0.001
    for k in (1, 5, 17):  # continuous across knots
        assert wave("noise", k - 1e-9, table) == pytest.approx(wave("noise", k, table), abs=1e-6)


def _lfo_graph(**params):
    g = Graph()
    g.add_node("signal.lfo", "lfo", params)
    return g


def test_lfo_node_follows_the_formula_and_wraps():
    g = _lfo_graph(shape="sine", center=2.0, depth=3.0, rate=20.0, phase=0.1)
    rt = Runtime(g, backend="numpy", size=64, fps=30.0)
    for f in range(2000):  # 1333 cycles: the phase must wrap, not grow
        rt.step()
        expect = 2.0 + 3.0 * math.sin(2 * math.pi * (f * 20.0 / 30.0 + 0.1))
        assert rt.value("lfo", "out") == pytest.approx(expect, abs=1e-6)
    ph = rt.nodes["lfo"].state["phase"]
    assert 0.0 <= ph < 256.0


def test_lfo_rate_change_does_not_jump():
    g = _lfo_graph(shape="saw", rate=0.5)
    rt = Runtime(g, backend="numpy", size=64, fps=10.0)
    vals = []
    for f in range(20):
        if f == 10:
            rt.set_param("lfo", "rate", 1.0)
        rt.step()
        vals.append(rt.value("lfo", "out"))
    d = np.diff(vals) % 2.0  # the saw wraps from +1 to -1 (a step of -2 == 0 mod 2)
    # phase is accumulated: 0.1 per frame before, 0.2 after, and no jump at the change
    np.testing.assert_allclose(d[:10], 0.1, atol=1e-9)
    np.testing.assert_allclose(d[10:], 0.2, atol=1e-9)


@pytest.mark.parametrize("fps", [30.0, 60.0, 24.0])
def test_ema_time_constant(make_ctx, fps):
    ctx = make_ctx(64, fps=fps)
    node = Smooth("s", 1)
    p = params_of(Smooth, tau=2.0)
    node.process(ctx, {"in": 0.0}, p)  # initialises to the first input
    frames = int(round(2.0 * fps))
    for _ in range(frames):
        y = node.process(ctx, {"in": 1.0}, p)["out"]
    assert y == pytest.approx(1 - math.exp(-frames / fps / 2.0), abs=1e-9)
    assert y == pytest.approx(1 - math.exp(-1), abs=1e-9)  # one tau: 63 %


def test_ema_tau_zero_passes_through(make_ctx):
    node = Smooth("s", 1)
    ctx = make_ctx(64)
    node.process(ctx, {"in": 0.0}, params_of(Smooth, tau=0.0))
    assert node.process(ctx, {"in": 0.7}, params_of(Smooth, tau=0.0))["out"] == 0.7


def test_scheduler_accumulator(make_ctx):
    ctx = make_ctx(64, fps=30.0)
    node = Scheduler("s", 1)
    p = params_of(Scheduler, speed=1.5, sps=30.0, max_steps=8)
    got = [node.process(ctx, {}, p)["steps"] for _ in range(8)]
    assert got == [1, 2, 1, 2, 1, 2, 1, 2]
    node.reset()
    p = params_of(Scheduler, speed=0.5, sps=30.0)
    assert [node.process(ctx, {}, p)["steps"] for _ in range(6)] == [0, 1, 0, 1, 0, 1]
    node.reset()
    p = params_of(Scheduler, speed=8.0, sps=240.0, max_steps=4)  # 64 steps/frame wanted
    got = [node.process(ctx, {}, p)["steps"] for _ in range(5)]
    assert got == [4, 4, 4, 4, 4]
    assert node.state["acc"] < 1.0  # the backlog is dropped, not carried
    ctx.steps_override = 3
    assert node.process(ctx, {}, p)["steps"] == 3


def test_engine_runs_scheduled_steps():
    g = engine_graph("engine.lenia")
    g.add_node("signal.scheduler", "sched", {"speed": 1.5, "sps": 30.0})
    g.connect("sched", "steps", "engine", "steps")
    rt = Runtime(g, backend="numpy", size=64, fps=30.0)
    for _ in range(4):
        rt.step()
    assert rt.nodes["engine"].state["step"] == 1 + 2 + 1 + 2


# -- life support -----------------------------------------------------------------------

def test_containment_mask_values(make_ctx):
    n = 64
    ctx = make_ctx(n)
    node = life.Containment("c", 1)
    m = np.asarray(node.process(ctx, {}, params_of(life.Containment, r0=0.35, r1=0.65,
                                                   loss=0.05))["mask"])
    assert m.shape == (n, n) and m.dtype == np.float32
    c = n / 2
    for i, j in [(32, 32), (31, 31), (0, 0), (63, 0), (32, 0), (10, 40), (20, 12)]:
        r = math.hypot((j + 0.5 - c) / c, (i + 0.5 - c) / c)
        expect = 1 - 0.05 * min(max((r - 0.35) / 0.30, 0.0), 1.0)
        assert m[i, j] == pytest.approx(expect, abs=1e-6), (i, j)
    assert m.max() == pytest.approx(1.0) and m.min() == pytest.approx(0.95)
    assert m[32, 32] == 1.0 and m[0, 0] == pytest.approx(0.95)


def test_containment_is_applied_each_step():
    g = engine_graph("engine.mnca", {"delta": 0.001})
    g.add_node("life.containment", "contain", {"r0": 0.0, "r1": 0.01, "loss": 0.5})
    g.connect("contain", "mask", "engine", "contain")
    # exact_grid: the 64 grid itself (MNCA would simulate at 512: nodes.sim_grid)
    rt = Runtime(g, backend="numpy", size=64, exact_grid=True)
    rt.step()
    A0 = np.asarray(rt.nodes["engine"].state["A"]).copy()
    rt.step()  # one MNCA step moves A by at most 2 * delta, then the mask halves it
    A1 = np.asarray(rt.nodes["engine"].state["A"])
    assert A1.max() <= 0.5 * (A0.max() + 0.002) + 1e-6


def test_coverage_reseeds_an_empty_world():
    g = engine_graph("engine.lenia")
    g.add_node("life.coverage", "cov")
    g.connect("cov", "coverage", "engine", "coverage")
    rt = Runtime(g, backend="numpy", size=64)
    rt.step()
    eng = rt.nodes["engine"]
    eng.state["A"][...] = 0.0
    rt.step()  # acts on the previous frame's statistics (a live world): no reseed yet
    assert eng.state.get("reseeds", 0) == 0
    assert float(np.asarray(eng.state["A"]).mean()) < 0.002
    rt.step()  # sees the empty world of the frame before
    assert float(np.asarray(eng.state["A"]).mean()) > 0.002
    assert eng.state["reseeds"] >= 1
    assert np.asarray(rt.output_host()).max() >= 0.0


# -- feedback -----------------------------------------------------------------------------

@pytest.mark.parametrize("order", ["fb_first", "engine_first"])
@pytest.mark.parametrize("steps", [1, 3])
def test_feedback_delays_exactly_one_frame(order, steps):
    g = Graph()
    add = [("math.feedback", "fb", {"decay": 1.0}), ("engine.lenia", "engine", {"R": 40.0})]
    for t, i, p in (add if order == "fb_first" else add[::-1]):
        g.add_node(t, i, p)
    g.add_node("flow.basis", "flow", {"shape": "rotate", "strength": 4.0})
    g.add_node("signal.constant", "steps", {"value": float(steps)})
    g.add_node("colour.gray", "gray")
    g.add_node("out.output", "out")
    g.connect("steps", "out", "engine", "steps")
    g.connect("flow", "flow", "engine", "flow")
    g.connect("engine", "field", "fb", "field")
    g.connect("fb", "field", "gray", "field")
    g.connect("gray", "rgb", "out", "rgb")
    rt = Runtime(g, backend="numpy", size=64)
    rt.step()
    assert np.asarray(rt.value("fb", "field")).max() == 0.0  # zeros on the first frame
    prev = np.array(rt.value("engine", "field"), copy=True)
    for _ in range(4):
        rt.step()
        cur = np.array(rt.value("engine", "field"), copy=True)
        fb = np.asarray(rt.value("fb", "field"))
        assert np.array_equal(fb, prev)
        assert not np.array_equal(fb, cur)
        prev = cur


def test_feedback_decay(make_ctx):
    ctx = make_ctx(32)
    node = Feedback("fb", 1)
    x = np.full((32, 32), 0.8, f32)
    out = node.process(ctx, {"field": x}, params_of(Feedback, decay=0.5))["field"]
    assert out is not x and out.dtype == np.float32
    np.testing.assert_allclose(out, 0.4)


# -- dtype discipline -----------------------------------------------------------------------

def _arrays(obj):
    if isinstance(obj, np.ndarray):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _arrays(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _arrays(v)


@pytest.mark.parametrize("path", GRAPH_FILES, ids=graph_ids())
def test_no_float64_leaks(path):
    rt = Runtime(nodes.load(path), backend="numpy", size=64)
    for _ in range(4):
        rt.step()
    for (nid, port), v in rt.values.items():
        if isinstance(v, np.ndarray):
            assert v.dtype == np.float32, (nid, port, v.dtype)
    for nid, inst in rt.nodes.items():
        for key, v in inst.state.items():
            for arr in _arrays(v):
                if arr.dtype.kind == "f":
                    assert arr.dtype == np.float32, (nid, key, arr.dtype)
                elif arr.dtype.kind == "c":
                    assert arr.dtype == np.complex64, (nid, key, arr.dtype)
    eng = [n for n in rt.nodes.values() if n.type_id.startswith("engine.")]
    assert eng
    for e in eng:
        assert e.state["A"].dtype == np.float32


# -- the remaining small nodes ---------------------------------------------------------------

def test_pretransform_modes(make_ctx):
    ctx = make_ctx(64)
    node = colour.PreTransform("p", 1)
    x = np.random.default_rng(4).random((64, 64), dtype=np.float32)
    out = node.process(ctx, {"field": x.copy()}, params_of(colour.PreTransform, mode="none"))
    assert np.array_equal(out["field"], x)
    out = node.process(ctx, {"field": x.copy()}, params_of(colour.PreTransform, mode="deadzone",
                                                           dead=0.1, gain=3.0))["field"]
    np.testing.assert_allclose(out, np.clip((x - 0.1) * 3.0, 0, 1), atol=1e-6)
    p = params_of(colour.PreTransform, mode="power_blur", power=2.0, blur=16.0)
    out = np.asarray(node.process(ctx, {"field": x.copy()}, p)["field"])
    assert out.dtype == np.float32
    assert out.sum() == pytest.approx((x.astype(np.float64) ** 2).sum(), rel=1e-4)  # mass kept
    assert out.std() < (x ** 2).std()  # and blurred


def test_thickness(make_ctx):
    ctx = make_ctx(64)
    node = colour.Thickness("t", 1)
    x = np.zeros((64, 64), f32)
    x[30, 30] = 1.0
    same = node.process(ctx, {"field": x}, params_of(colour.Thickness, thickness=0.0))["field"]
    assert same is x
    thick = np.asarray(node.process(ctx, {"field": x}, params_of(colour.Thickness,
                                                                 thickness=20.0))["field"])
    assert np.all(thick >= x) and (thick > 0.05).sum() > 4
    assert thick.dtype == np.float32


def test_signals_closed_form_on_first_frame(make_ctx):
    ctx = make_ctx(32)
    node = colour.Signals("s", 1)
    W = np.full((32, 32), 0.5, f32)
    zones = np.full((32, 32), 0.7, f32)
    p = params_of(colour.Signals, w_density=0.3, w_velocity=0.25, w_edges=0.45)
    out = node.process(ctx, {"field": W, "zones": zones}, p)
    # no edges, no motion, first frame normalisers are 1: t = frac(0.3 * 0.5 + 0.7)
    np.testing.assert_allclose(out["t"], 0.85, atol=1e-6)
    np.testing.assert_allclose(out["alpha"], 0.5, atol=1e-6)
    assert node.state["peaks"] == pytest.approx((0.5, 0.01, 0.01))


def _clipped_world(n: int) -> np.ndarray:
    """One picture at any size: smooth bumps clipped at 0 and 1 and a disc with a hard rim
    (a step within a pixel at every size, as a Lenia world's clipped fronts)."""
    u = ((np.arange(n) + 0.5) / n).astype(np.float64)
    y, x = np.meshgrid(u, u, indexing="ij")
    bumps = np.clip(1.5 * np.sin(2 * np.pi * 6 * y) * np.sin(2 * np.pi * 6 * x) - 0.2, 0, 1)
    disc = ((y - 0.3) ** 2 + (x - 0.3) ** 2 < 0.15 ** 2).astype(np.float64)
    return np.maximum(bumps, disc).astype(f32)


def test_signals_edges_keep_their_share_of_the_peak_on_finer_grids(make_ctx):
    """Issue 15: the edge term is normalised by its peak, and the peak is a hard rim's,
    per pixel the same at every size, while a smooth flank's gradient per pixel falls as
    1 / s.  With the edges taken 1 px apart, the same picture's edge term over the organism
    was 0.082 of the peak at 512, 0.041 at 1024 and 0.021 at 2048 (heartbeat went hot at
    2048); between the 512 lattice's pixels it is 0.082 at every size."""
    p = params_of(colour.Signals, w_density=0.0, w_velocity=0.0, w_edges=0.5)
    share = {}
    for n in (512, 1024, 2048):
        W = _clipped_world(n)
        node = colour.Signals("s", 1)
        node.process(make_ctx(n, frame=0), {"field": W}, p)  # sets the peak follower
        t = np.asarray(node.process(make_ctx(n, frame=1), {"field": W}, p)["t"])
        share[n] = float(t[W > 0.05].mean()) / 0.5
    assert share[512] > 0.07
    for n in (1024, 2048):
        assert share[n] == pytest.approx(share[512], rel=0.05), share


@pytest.mark.parametrize("op,expect", [("mix", lambda a, b: a + (b - a) * 0.25),
                                       ("add", lambda a, b: a + b), ("multiply", np.multiply),
                                       ("max", np.maximum), ("min", np.minimum),
                                       ("difference", lambda a, b: np.abs(a - b))])
def test_field_mix(make_ctx, op, expect):
    from nodes.library.math import Mix
    rng = np.random.default_rng(5)
    a, b = rng.random((2, 32, 32), dtype=np.float32)
    out = Mix("m", 1).process(make_ctx(32), {"a": a, "b": b}, params_of(Mix, op=op, t=0.25,
                                                                        gain=1.5))["field"]
    np.testing.assert_allclose(out, np.clip(expect(a, b) * 1.5, 0, 1), atol=1e-6)


def test_field_levels(make_ctx):
    from nodes.library.math import FieldLevels
    x = np.linspace(0, 1, 32 * 32, dtype=np.float32).reshape(32, 32)
    out = FieldLevels("l", 1).process(make_ctx(32), {"field": x}, params_of(
        FieldLevels, low=0.2, high=0.6, gamma=2.0))["field"]
    np.testing.assert_allclose(out, np.clip((x - 0.2) / 0.4, 0, 1) ** 2, atol=1e-5)


@pytest.mark.parametrize("op,expect", [("add", 5.0), ("sub", -1.0), ("mul", 6.0), ("min", 2.0),
                                       ("max", 3.0), ("mix", 2.5)])
def test_scalar_math(make_ctx, op, expect):
    node = signals.ScalarMath("m", 1)
    p = params_of(signals.ScalarMath, op=op, a=2.0, b=3.0, t=0.5, scale=2.0, offset=1.0)
    assert node.process(make_ctx(), {}, p)["out"] == pytest.approx(expect * 2 + 1)
    assert node.process(make_ctx(), {"in_a": 2.0, "in_b": 3.0}, params_of(
        signals.ScalarMath, op=op, t=0.5, scale=2.0, offset=1.0))["out"] == pytest.approx(
        expect * 2 + 1)


def test_clock(make_ctx):
    node = signals.Clock("c", 1)
    out = node.process(make_ctx(fps=25.0, frame=50), {}, params_of(signals.Clock, rate=0.5))
    assert out == {"time": pytest.approx(1.0), "frame": 50.0}


@pytest.mark.parametrize("pattern", seeds.PATTERNS)
def test_seed_patterns(pattern):
    r = seeds.SeedRecipe(pattern, density=0.7, count=5, radius=0.2)
    a = r.generate(64, np.random.default_rng(1))
    b = r.generate(64, np.random.default_rng(1))
    assert a.dtype == np.float32 and a.shape == (64, 64)
    assert a.min() >= 0 and a.max() <= 1 and a.max() > 0.05
    assert np.array_equal(a, b)


def test_flow_add_and_advect_node(make_ctx):
    ctx = make_ctx(32)
    a = np.zeros((2, 32, 32), f32)
    a[1] = 1.0
    b = np.zeros((2, 32, 32), f32)
    b[0] = 1.0
    v = flow.FlowAdd("f", 1).process(ctx, {"a": a, "b": b}, params_of(
        flow.FlowAdd, gain_a=2.0, gain_b=-3.0))["flow"]
    assert np.all(v[1] == 2.0) and np.all(v[0] == -3.0)
    x = np.random.default_rng(6).random((32, 32), dtype=np.float32)
    out = flow.Advect("a", 1).process(ctx, {"field": x, "flow": a}, params_of(
        flow.Advect, amount=3.0))["field"]
    np.testing.assert_allclose(out, np.roll(x, 3, axis=1), atol=1e-6)


def test_readback_numpy_is_a_snapshot():
    from nodes.backend import Backend

    a = np.array([0.25, 0.5], np.float32)
    rb = Backend().readback(a)
    a += 1.0
    np.testing.assert_array_equal(rb.get(), np.array([0.25, 0.5], np.float32))
    rb2 = Backend().readback(a, into=rb)  # same shape: the host buffer is reused
    assert rb2 is rb
    a += 1.0
    np.testing.assert_array_equal(rb2.get(), np.array([1.25, 1.5], np.float32))
    rb3 = Backend().readback(np.zeros(3, np.float32), into=rb)  # other shape: a new one
    assert rb3 is not rb and rb3.get().shape == (3,)


def test_colorize_lut_follows_drift_and_hue_without_rebuilding_its_buffer(make_ctx):
    """The LUT is recomputed (by the palette_lut kernel) into one buffer when drift or hue
    moves, and equals the cosine palette with the hue tint, tint and brightness."""
    from nodes_helpers import params_of

    from nodes.library.colour import LUT_SIZE, PALETTES, Colorize, Palette, hue_tint

    node = Colorize("c", 0)
    pal = Palette(*PALETTES["bioluminescent"])
    t = np.full((16, 16), 0.3, np.float32)
    a = np.ones((16, 16), np.float32)
    buf = None
    for drift, hue in ((0.0, 0.0), (0.25, 0.4), (0.75, 0.9)):  # drift on its 1/2048 grid
        p = params_of(Colorize, drift=drift, hue=hue, hue_amount=0.8, brightness=1.3,
                      tint=(1.0, 0.9, 1.1))
        node.process(make_ctx(16), {"t": t, "alpha": a, "palette": pal}, p)
        lut = node.state["lut"]
        buf = lut if buf is None else buf
        assert lut is buf
        gain = (1 + 0.8 * (np.asarray(hue_tint(hue)) - 1)) * np.array([1.0, 0.9, 1.1]) * 1.3
        want = pal((np.arange(LUT_SIZE) + 0.5) / LUT_SIZE, drift) * gain[None]
        np.testing.assert_allclose(lut, want.astype(np.float32), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("h, w", [(3, 7), (30, 50), (320, 576), (97, 333)])
def test_bloom_on_any_frame_size_matches_across_kernels(monkeypatch, h, w):
    """Bloom after an odd-sized Output: a scale that divides the frame, the same result
    from the reference and the numba kernels (it crashed under 8 px, and the reference
    kernels refused sides that are not multiples of 8)."""
    from nodes.backend import Backend
    from nodes.library.colour import Bloom
    from nodes.spec import Context

    rgb = np.random.default_rng(0).random((h, w, 3), dtype=np.float32)
    outs = []
    for kernels in ("fast", "reference"):
        monkeypatch.setenv("CAGRAPH_KERNELS", kernels)
        ctx = Context(Backend(), 64, w, h, 30.0)
        node = Bloom("b", 1)
        out = node.process(ctx, {"rgb": rgb}, params_of(Bloom, intensity=0.5))["rgb"]
        assert out.shape == (h, w, 3) and np.isfinite(out).all()
        outs.append(np.array(out))
    np.testing.assert_allclose(outs[0], outs[1], atol=1e-5)
    assert (outs[0] >= rgb - 1e-6).all()  # a glow adds light


@pytest.mark.parametrize("alive, nudged", [(0.07, True), (0.5, True), (0.03, False)])
def test_a_stagnant_organism_is_nudged_wherever_nucleation_does_not_act(make_ctx, alive,
                                                                       nudged):
    """Between nucleate_below (5 %) and 10 % coverage a frozen organism used to be left
    alone for good; below nucleate_below nucleation acts instead."""
    from nodes.library.life import Coverage, CoveragePolicy

    ctx = make_ctx(64)
    engine = Lenia("e", 1)
    engine._start(ctx, None)
    drops = []
    engine.drop_patch = lambda ctx, y0, x0, patch: drops.append((y0, x0))
    policy = CoveragePolicy(**params_of(Coverage, stagnation_frames=5, nucleate_every=1000))
    engine.state["cov_frame"] = 1  # not a nucleation frame
    for _ in range(7):  # the same mass frame after frame: stagnant
        policy._act(engine, ctx, None, 0.2, alive)
    assert bool(drops) is nudged
