"""CuPy backend against NumPy: every CUDA twin, the FFT path, nodes and whole graphs.

Marked ``gpu``.  Run on a GPU machine with ``pytest -m gpu tests/nodes/test_gpu.py``
(``benchmarks/gpu_check.sh`` does); the tests that need CuPy and a usable CUDA
device (``nodes.backend.cuda_available()``) are skipped without one.

The kernel tests, and the node-by-node comparison of whole graphs with NumPy, run
twice: on the device, and with the same CUDA sources run on the host
(``nodes.kernels.cuda_host``, needs g++) behind a NumPy stand-in for CuPy.  The host run cannot check the device's parallel behaviour (the
``gpu``-device run does, and ``test_cuda_sources`` covers the sources in depth);
it is there so that a mistake in a test itself shows up in CI, not on a scarce
device lease.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nodes
from nodes import Runtime
from nodes.backend import cuda_available, cuda_status, get_backend
from nodes.kernels import ref
from nodes_helpers import benchmark_module

pytestmark = pytest.mark.gpu
needs_device = pytest.mark.skipif(not cuda_available(),
                                  reason=f"no usable CUDA device: {cuda_status()[1]}")

f32 = np.float32
GRAPHS = Path(__file__).resolve().parents[2] / "graphs"
#: every bundled preset: each node of each graph compared with NumPy (3 frames at 128)
PRESETS = sorted(p.stem for p in GRAPHS.glob("*.graph"))


def test_a_present_device_runs_the_kernels():
    """On a machine with a CUDA device, the smoke test behind ``auto`` must pass: if it
    did not, every other device test here would skip and hide why."""
    cupy = pytest.importorskip("cupy")
    try:
        present = cupy.is_available() and cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:
        present = False
    if not present:
        pytest.skip("no CUDA device")
    usable, reason = cuda_status()
    assert usable, reason


@pytest.fixture(scope="module")
def cp():
    if not cuda_available():
        pytest.skip(f"no usable CUDA device: {cuda_status()[1]}")
    import cupy

    return cupy


@pytest.fixture(scope="module")
def gbe(cp):
    be = get_backend("cupy")
    for name in ("advect", "lenia_growth", "signals_follow", "palette_map"):
        assert be.k.implementation(name) == "cupy", name
    return be


def _host_overhead():
    """benchmarks/host_overhead.py, whose ``EmulatedGpu`` runs the GPU code path with the
    CUDA kernels on the host: NumPy arrays standing in for device arrays (``xp.asarray``
    copies, as an upload does), the nodes taking their device paths, cuFFT's conventions."""
    from nodes.kernels import cuda_host

    if cuda_host.compiler() is None:
        pytest.skip("no host C++ compiler")
    return benchmark_module("host_overhead")


@pytest.fixture(scope="module", params=[pytest.param("device", marks=needs_device), "host"])
def kit(request):
    """(array module, backend) for the kernel tests: CuPy on the device, or the host
    emulation of the same CUDA sources."""
    if request.param == "device":
        import cupy

        return cupy, request.getfixturevalue("gbe")
    be = _host_overhead().EmulatedGpu()
    return be.xp, be


def host(a):
    import cupy

    # always a copy: node outputs are buffers the next frame overwrites
    return cupy.asnumpy(a) if isinstance(a, cupy.ndarray) else np.array(a, copy=True)


def close(got, want, atol=2e-5):
    if isinstance(want, tuple):
        for g, w in zip(got, want):
            close(g, w, atol)
        return
    g, w = host(got), np.asarray(want)
    assert g.shape == w.shape, (g.shape, w.shape)
    assert g.dtype == np.float32, g.dtype
    np.testing.assert_allclose(g, w, rtol=0, atol=atol)


def rnd(rng, shape, scale=1.0, offset=0.0):
    return (rng.random(shape, dtype=f32) * f32(scale) + f32(offset)).astype(f32)


SHAPES = [(128, 128), (96, 160)]


@pytest.fixture(params=SHAPES, ids=lambda s: f"{s[0]}x{s[1]}")
def shape(request):
    return request.param


# -- kernels -----------------------------------------------------------------------------

def test_advect(kit, shape):
    cp, gbe = kit
    rng = np.random.default_rng(1)
    A = rnd(rng, shape)
    vel = (rng.standard_normal((2, *shape)) * 4).astype(f32)
    close(gbe.k.advect(cp.asarray(A), cp.asarray(vel), 1.3), ref.advect(A, vel, 1.3))


def test_engine_rules(kit, shape):
    cp, gbe = kit
    rng = np.random.default_rng(2)
    U, A, m = rnd(rng, shape, 0.4), rnd(rng, shape), rnd(rng, shape)
    d = cp.asarray
    close(gbe.k.lenia_growth(d(U), d(A), 0.15, 0.017, 0.1), ref.lenia_growth(U, A, 0.15, 0.017, 0.1))
    args = (0.278, 0.365, 0.267, 0.445, 0.028, 0.147, 0.1)
    close(gbe.k.smoothlife_rule(d(U), d(m), d(A), *args), ref.smoothlife_rule(U, m, A, *args))
    pots = rnd(rng, (3, *shape), 0.6)
    lows, highs = (0.0, 0.1, 0.2), (0.25, 0.35, 0.45)
    close(gbe.k.mnca_update(d(pots), d(A), lows, highs, 0.05),
          ref.mnca_update(pots, A, lows, highs, 0.05))
    feed = rnd(rng, shape, 0.1)
    close(gbe.k.grayscott_step(d(A), d(m), d(feed), 0.062, 0.21, 0.105),
          ref.grayscott_step(A, m, feed, 0.062, 0.21, 0.105))
    for fd in (feed, None):  # the feed rate as a scalar gain on the map, or alone
        close(gbe.k.grayscott_step(d(A), d(m), None if fd is None else d(fd), 0.062, 0.21,
                                   0.105, feed_gain=0.55),
              ref.grayscott_step(A, m, fd, 0.062, 0.21, 0.105, feed_gain=0.55))


@pytest.mark.parametrize("full", [True, False])
def test_post_step(kit, shape, full):
    cp, gbe = kit
    rng = np.random.default_rng(3)
    A = rnd(rng, shape)
    prev = (A + rnd(rng, shape, 0.01, -0.005)).astype(f32)
    noise = rng.standard_normal(shape).astype(f32)
    mask = rnd(rng, shape, 0.1, 0.9) if full else None
    centre = rnd(rng, shape, 0.01) if full else None
    sx, sy = (rnd(rng, shape, 0.02, -0.01), rnd(rng, shape, 0.02, -0.01)) if full else (None, None)
    d = (lambda a: None if a is None else cp.asarray(a))
    ga, gp = d(A), d(prev)
    args = (5, 9, 17, 3, 0.3, -0.9, 0.012 if full else 0.0, 0.03, 0.004)
    gbe.k.post_step(ga, gp, d(mask), d(noise), *args[:4], d(centre), d(sx), d(sy), *args[4:])
    ra, rp = A.copy(), prev.copy()
    ref.post_step(ra, rp, mask, noise, *args[:4], centre, sx, sy, *args[4:])
    close((ga, gp), (ra, rp))


def test_advect_post_and_deadzone(kit, shape):
    cp, gbe = kit
    rng = np.random.default_rng(19)
    src, prev = rnd(rng, shape), rnd(rng, shape)
    vel = (rng.standard_normal((2, *shape)) * 3).astype(f32)
    mask, noise = rnd(rng, shape, 0.1, 0.9), rng.standard_normal(shape).astype(f32)
    sx, sy = rnd(rng, shape, 0.02, -0.01), rnd(rng, shape, 0.02, -0.01)
    d = cp.asarray
    out, dprev = cp.empty(shape, f32), d(prev)
    gbe.k.advect_post(d(src), d(vel), 1.0, out, dprev, d(mask), d(noise), 3, 7, 11, 2, None,
                      d(sx), d(sy), 0.3, -0.9, 0.012, 0.03, 0.5)
    o2, p2 = np.empty_like(src), prev.copy()
    ref.advect_post(src, vel, 1.0, o2, p2, mask, noise, 3, 7, 11, 2, None, sx, sy, 0.3, -0.9,
                    0.012, 0.03, 0.5)
    close((out, dprev), (o2, p2))
    close(gbe.k.deadzone(d(src), 0.015, 3.5), ref.deadzone(src, 0.015, 3.5), 1e-6)
    for p in (0.5, 1.7, 3.0):
        close(gbe.k.power(d(src), p), ref.power(src, p), 2e-6)


def test_advect_lattice_and_its_fused_post(kit, shape):
    cp, gbe = kit
    rng = np.random.default_rng(23)
    src, prev = rnd(rng, shape), rnd(rng, shape)
    vel = (rng.standard_normal((2, *shape)) * 6).astype(f32)
    mask, noise = rnd(rng, shape, 0.1, 0.9), rng.standard_normal(shape).astype(f32)
    d = cp.asarray
    for k in (2, 4):
        close(gbe.k.advect_lattice(d(src), d(vel), k), ref.advect_lattice(src, vel, k))
    out, dprev = cp.empty(shape, f32), d(prev)
    gbe.k.advect_lattice_post(d(src), d(vel), 2, out, dprev, d(mask), d(noise), 3, 7, 11, 2,
                              None, None, None, 0.3, -0.9, 0.012, 0.03, 0.5)
    o2, p2 = np.empty_like(src), prev.copy()
    ref.advect_lattice_post(src, vel, 2, o2, p2, mask, noise, 3, 7, 11, 2, None, None, None,
                            0.3, -0.9, 0.012, 0.03, 0.5)
    close((out, dprev), (o2, p2))


def test_lenia_growth_lattice_whole_torus_and_windowed(kit):
    cp, gbe = kit
    rng = np.random.default_rng(24)
    A = rnd(rng, (128, 96))
    for k, (y0, x0, hu, wu) in ((2, (0, 0, 64, 48)), (2, (5, 9, 30, 20)), (4, (0, 3, 8, 21))):
        U = rnd(rng, (hu, wu), 0.4)
        got = gbe.k.lenia_growth_lattice(cp.asarray(U), cp.asarray(A), 0.15, 0.017, 0.1, k, y0,
                                         x0, cp.ones(A.shape, f32))
        want = ref.lenia_growth_lattice(U, A, 0.15, 0.017, 0.1, k, y0, x0, np.ones_like(A))
        close(got, want)


def test_a_lenia_step_at_1024_matches_numpy(kit):
    """The whole Lenia step on the lattice (block means, full-torus FFT, lattice growth) on
    the device against the NumPy backend's (windowed there) from the same world."""
    cp, gbe = kit
    from nodes.backend import get_backend
    from nodes.library.engines import Lenia
    from nodes.spec import Context
    from nodes_helpers import params_of

    params = params_of(Lenia, warmup=0, mu=0.222, sigma=0.045, T=25.0)
    worlds = []
    yy, xx = np.mgrid[0:1024, 0:1024]
    A0 = (np.random.default_rng(5).random((1024, 1024), dtype=np.float32)
          * (np.hypot(yy - 500, xx - 530) < 180)).astype(np.float32)
    for be in (get_backend("numpy"), gbe):
        ctx = Context(be, 1024, 1024, 1024, 30.0)
        eng = Lenia("engine", 7)
        eng.process(ctx, {"steps": 0.0}, params)
        eng.state["A"][...] = be.asarray(A0)
        eng.rule_step(ctx, params)
        worlds.append(be.to_host(eng.state["A"]))
    close(worlds[1], worlds[0], 2e-5)


def test_signals_follow_many_blocks(kit):
    """The fused signals kernel over a grid of many blocks: the last block to finish
    updates peaks and normalisers from every block's maxima, then resets its state."""
    cp, gbe = kit
    rng = np.random.default_rng(18)
    shape = (512, 384)
    d_prev, d_inv, d_peaks = cp.zeros(shape, f32), cp.ones(3, f32), cp.zeros(3, f32)
    d_acc = cp.full(3, -np.inf, dtype=f32)
    prev, inv, peaks, acc = np.zeros(shape, f32), np.ones(3, f32), np.zeros(3, f32), \
        np.full(3, -np.inf, f32)
    for frame in range(4):
        W = rnd(rng, shape, 0.4 + 0.3 * frame)
        got = gbe.k.signals_follow(cp.asarray(W), d_prev, None, 0.3, 0.25, 0.45, d_inv, d_peaks,
                                   d_acc, 0.95, frame == 0)
        want = ref.signals_follow(W, prev, None, 0.3, 0.25, 0.45, inv, peaks, acc, 0.95,
                                  frame == 0)
        close(got, want)
        np.testing.assert_allclose(host(d_peaks), peaks, rtol=1e-6)
        np.testing.assert_allclose(host(d_inv), inv, rtol=1e-6)
        assert np.isneginf(host(d_acc)).all()
        np.testing.assert_array_equal(host(d_prev), W)


def test_spectral_mul(kit):
    cp, gbe = kit
    rng = np.random.default_rng(16)

    def spec(*shape):
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(np.complex64)

    F, K, Ks = spec(128, 65), spec(128, 65), spec(3, 128, 65)
    got = gbe.k.spectral_mul(cp.asarray(F), cp.asarray(Ks))
    np.testing.assert_allclose(host(got), Ks * F[None], rtol=1e-5, atol=1e-5)
    G = cp.asarray(F)
    assert gbe.k.spectral_mul(G, cp.asarray(K), out=G) is G
    np.testing.assert_allclose(host(G), K * F, rtol=1e-5, atol=1e-5)


def test_palette_lut_and_dense_blur(kit):
    cp, gbe = kit
    from nodes.library.colour import gaussian_matrix

    a, b, c, d = (0.5, 0.45, 0.52), (0.5, 0.4, 0.45), (2.2, 1.6, 2.0), (0.08, 0.3, 0.55)
    got, want = cp.empty((1024, 3), f32), np.empty((1024, 3), f32)
    gbe.k.palette_lut(a, b, c, d, 0.06, 0.03, 0.37, (1.3, 0.7, 1.05), out=got)
    ref.palette_lut(a, b, c, d, 0.06, 0.03, 0.37, (1.3, 0.7, 1.05), out=want)
    close(got, want, 1e-6)
    rng = np.random.default_rng(15)
    for shape in ((128, 96, 3), (256, 256)):
        img = rnd(rng, shape)
        gy, gx = gaussian_matrix(shape[0], 1.6), gaussian_matrix(shape[1], 3.0)
        close(gbe.k.blur_dense(cp.asarray(img), cp.asarray(gy), cp.asarray(gx)),
              ref.blur_dense(img, gy, gx), 1e-5)


def test_colour_kernels(kit):
    cp, gbe = kit
    rng = np.random.default_rng(5)
    t, a = rnd(rng, (128, 96)), rnd(rng, (128, 96))
    lut, alut = rnd(rng, (1024, 3), 1.6), rnd(rng, (256,))
    d = cp.asarray
    close(gbe.k.palette_map(d(t), d(a), d(lut), d(alut)), ref.palette_map(t, a, lut, alut))
    img = rnd(rng, (128, 96, 3))
    close(gbe.k.downsample_box(d(img), 8), ref.downsample_box(img, 8), 1e-6)
    small = ref.downsample_box(img, 8)
    close(gbe.k.upsample_add(d(img), d(small), 0.3), ref.upsample_add(img, small, 0.3))
    out = cp.empty((128, 96), f32)
    close(gbe.k.upsample_add(None, d(small[..., 0].copy()), 0.0, out=out),
          ref.upsample_add(None, small[..., 0].copy(), 0.0, out=np.empty((128, 96), f32)))
    for fit in ("stretch", "contain", "cover"):
        close(gbe.k.resize_bilinear(d(img), 72, 200, fit), ref.resize_bilinear(img, 72, 200, fit))


def test_frame_statistics(gbe, cp):
    # device only: the host emulation sums on one thread, in another order than the
    # device's per-thread partial sums (test_cuda_sources checks it with that tolerance)
    rng = np.random.default_rng(8)
    A = rnd(rng, (256, 192)) ** 3
    for gate in (0.01, 0.3, 0.3):  # repeated: the device workspace resets itself
        close(gbe.k.coverage_stats(cp.asarray(A), gate), ref.coverage_stats(A, gate), 2e-6)


# -- FFT ---------------------------------------------------------------------------------

def test_fft_plans_and_folded_normalisation(gbe, cp):
    cpu = get_backend("numpy")
    rng = np.random.default_rng(6)
    A = rnd(rng, (128, 128))
    K = np.fft.rfft2(rnd(rng, (128, 128)) / 128 ** 2).astype(np.complex64)
    want = cpu.irfft2(cpu.rfft2(A) * cpu.spectrum(K, A.shape), A.shape, prescaled=True)
    Fa = gbe.rfft2(cp.asarray(A))
    got = gbe.irfft2(Fa * gbe.spectrum(K, A.shape), A.shape, prescaled=True)
    close(got, want, 1e-5)
    # without prescaled the inverse is normalised on its own
    close(gbe.irfft2(gbe.rfft2(cp.asarray(A)), A.shape), A, 1e-5)
    # batched (MNCA) uses one plan over the leading axis
    Ks = cp.stack([gbe.spectrum(K, A.shape)] * 3)
    pots = gbe.irfft2(Ks * gbe.rfft2(cp.asarray(A))[None], A.shape, prescaled=True)
    assert pots.shape == (3, 128, 128)
    close(pots[2], want, 1e-5)
    n_plans = len(gbe._plans)
    gbe.irfft2(gbe.rfft2(cp.asarray(A)), A.shape)
    assert len(gbe._plans) == n_plans  # plans are reused, not rebuilt


# -- nodes and graphs ---------------------------------------------------------------------

@pytest.fixture(scope="module", params=[pytest.param("device", marks=needs_device), "host"])
def gpu_path(request):
    """(backend factory, array type) for whole-graph tests: CuPy on the device, or the
    same GPU code path with its CUDA kernels run on the host (see ``_host_overhead``)."""
    if request.param == "device":
        import cupy

        return (lambda: "cupy"), cupy.ndarray
    ho = _host_overhead()
    return ho.EmulatedGpu, ho.Dev


def _pair(name, size, seed=0, backend=lambda: "cupy", grid=None):
    g = nodes.load(GRAPHS / f"{name}.graph")
    # exact_grid: the grid asked for (a Gray-Scott preset would simulate at 512: sim_grid)
    rn = Runtime(g, backend="numpy", size=size, seed=seed, grid=grid, exact_grid=True)
    g2 = nodes.load(GRAPHS / f"{name}.graph")
    rc = Runtime(g2, backend=backend(), size=size, seed=seed, grid=grid, exact_grid=True)
    return rn, rc


def _compare_values(rn, rc, frame, array_type=None):
    """Every array a node produced this frame, NumPy vs the GPU path."""
    if array_type is None:
        import cupy

        array_type = cupy.ndarray
    checked = 0
    for key, vn in rn.values.items():
        vc = rc.values.get(key)
        if isinstance(vn, np.ndarray) and vn.dtype == np.float32:
            assert isinstance(vc, array_type), key
            d = np.abs(host(vc) - vn)
            if key[1] == "t":  # colour parameter wraps at 1
                d = np.minimum(d, 1 - d)
            # float32 tolerance, allowing a handful of pixels that crossed a threshold
            # (palette bin, frac wrap, clip) by rounding
            assert float(np.mean(d)) < 2e-4, (frame, key, float(np.mean(d)))
            assert float(np.quantile(d, 0.999)) < 2e-2, (frame, key)
            checked += 1
        elif isinstance(vn, float) and not isinstance(vn, bool):
            assert vc == pytest.approx(vn, rel=1e-6, abs=1e-9), (frame, key)
    return checked


@pytest.mark.parametrize("name", PRESETS)
def test_nodes_match_numpy_first_frames(name, gpu_path):
    make_backend, array_type = gpu_path
    rn, rc = _pair(name, 128, backend=make_backend)
    for frame in range(3):
        rn.step()
        rc.step()
        assert _compare_values(rn, rc, frame, array_type) >= 4


@pytest.mark.parametrize("name", ["amoeba", "sl_gliders", "mnca_worm", "reef"])
def test_nodes_match_numpy_on_a_rectangular_grid(name, gpu_path):
    """One preset per family on a 160 x 96 grid: every node's output on the GPU path
    matches NumPy's (FFT plans, kernels and launches with separate H and W)."""
    make_backend, array_type = gpu_path
    rn, rc = _pair(name, None, backend=make_backend, grid=(160, 96))
    for frame in range(3):
        rn.step()
        rc.step()
        assert rn.values[("engine", "field")].shape == (96, 160)
        assert _compare_values(rn, rc, frame, array_type) >= 4


def test_signals_node_peaks_stay_on_device(cp):
    """Colour Signals on CuPy follows the same peaks as on NumPy, with no host numbers."""
    from nodes.library.colour import Signals
    from nodes.spec import Context

    from nodes_helpers import params_of

    p = params_of(Signals)
    outs = []
    for bname in ("numpy", "cupy"):
        be = get_backend(bname)
        node = Signals("sig", 0)
        res = []
        for frame in range(6):
            ctx = Context(be, 64, 64, 64, 30.0, frame=frame)
            W = rnd(np.random.default_rng(frame), (64, 64), 0.5 + 0.3 * (frame % 2))
            o = node.process(ctx, {"field": be.asarray(W)}, p)
            res.append((host(o["t"]), host(o["alpha"])))
        if bname == "cupy":
            assert isinstance(node.state["peaks"], cp.ndarray)
        outs.append(res)
    for (tn, an), (tc, ac) in zip(*outs):
        d = np.abs(tn - tc)
        assert float(np.mean(np.minimum(d, 1 - d))) < 1e-4
        np.testing.assert_allclose(ac, an, atol=1e-5)


@needs_device
@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_runs_on_gpu(name):
    g = nodes.load(GRAPHS / f"{name}.graph")
    rt = Runtime(g, backend="cupy", size=256)
    for _ in range(40):
        rgb = rt.step()
    out = rt.output_host()
    assert out.shape == (rt.height, rt.width, 3) and out.dtype == np.float32
    assert np.isfinite(out).all() and out.min() >= 0 and out.max() <= 1
    assert out.mean() > 0.002, "black frame"
    assert rgb is rt.values[rt._output]


def test_memory_is_stable_over_frames(cp):
    g = nodes.load(GRAPHS / "amoeba.graph")
    rt = Runtime(g, backend="cupy", size=256)
    rt.ctx.steps_override = 1
    pool = cp.get_default_memory_pool()
    for _ in range(30):
        rt.step()
    rt.be.synchronize()
    used = pool.used_bytes()
    for _ in range(200):
        rt.step()
    rt.be.synchronize()
    assert pool.used_bytes() <= used + 2 ** 20  # a leak would add MiBs per frame


# -- torch handoff -------------------------------------------------------------------------

def test_frame_into_torch_on_torch_stream(cp):
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("torch without CUDA")
    from nodes.torch_bridge import as_torch, frame_into_torch

    g = nodes.load(GRAPHS / "amoeba.graph")
    rt = Runtime(g, backend="cupy", size=128)
    video = torch.zeros((4, 128, 128, 3), device="cuda", dtype=torch.float32)
    side = torch.cuda.Stream()
    with torch.cuda.stream(side):  # a non-default torch stream: ordering by events
        for t in range(4):
            rgb = rt.step()
            frame_into_torch(rgb, video, t)
            want = rt.output_host()
            torch.cuda.current_stream().synchronize()
            np.testing.assert_array_equal(video[t].cpu().numpy(), want)
    view = as_torch(rgb)
    assert view.data_ptr() == rgb.data.ptr and view.device.type == "cuda"
    # strided target (channels-first permute of a THWC buffer)
    chw = torch.zeros((3, 128, 128), device="cuda")
    frame_into_torch(rgb, chw.permute(1, 2, 0))
    np.testing.assert_array_equal(chw.permute(1, 2, 0).cpu().numpy(), rt.output_host())


def test_readback_is_async_and_exact(cp, gbe):
    """Backend.readback queues a device->pinned-host copy and returns at once; .get()
    gives the values as they were when it was queued, even if the array changes after."""
    a = cp.asarray(np.array([0.25, 0.5], np.float32))
    rb = gbe.readback(a)
    a += 1.0  # queued after the copy on the same stream: must not show up
    np.testing.assert_array_equal(rb.get(), np.array([0.25, 0.5], np.float32))
    host_buf = rb._host
    rb2 = gbe.readback(a, into=rb)  # reuses the pinned buffer and the event
    assert rb2 is rb and rb2._host is host_buf
    a += 1.0
    np.testing.assert_array_equal(rb2.get(), np.array([1.25, 1.5], np.float32))
