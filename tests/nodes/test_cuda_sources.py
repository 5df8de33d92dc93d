"""CUDA kernel sources without a GPU: NVRTC compile check and host emulation.

* NVRTC: every kernel translation unit in ``nodes.kernels.cuda_src`` must
  compile to PTX for Hopper (compute_90).  Needs ``cuda-bindings`` and
  ``nvidia-cuda-nvrtc`` (the ``test`` extra), skipped without them.
* Host emulation: the same sources, built with the host C++ compiler behind a
  shim for the CUDA built-ins (one thread runs the grid-stride loop), must
  match the reference kernels in ``ref.py``.  This checks the kernel bodies
  and the launch-side wrappers (argument order, flags, strides) in CI.
"""

from __future__ import annotations

import numpy as np
import pytest

from nodes.kernels import cuda_src, ref

f32 = np.float32


# -- NVRTC ------------------------------------------------------------------------------

def _nvrtc():
    bindings = pytest.importorskip("cuda.bindings.nvrtc", reason="cuda-bindings not installed")
    try:  # the bindings import without libnvrtc; the first call loads it
        bindings.nvrtcVersion()
    except Exception as exc:
        pytest.skip(f"libnvrtc not loadable (install nvidia-cuda-nvrtc): {exc}")
    return bindings


def nvrtc_compile(src: str, name: str, arch: str = "compute_90") -> tuple[bool, str]:
    nvrtc = _nvrtc()
    err, prog = nvrtc.nvrtcCreateProgram(src.encode(), f"{name}.cu".encode(), 0, [], [])
    assert err == nvrtc.nvrtcResult.NVRTC_SUCCESS
    try:
        opts = [f"--gpu-architecture={arch}".encode(), b"--std=c++14"]
        (res,) = nvrtc.nvrtcCompileProgram(prog, len(opts), opts)
        _, size = nvrtc.nvrtcGetProgramLogSize(prog)
        # a fresh mutable buffer: NVRTC writes into it, and `b" " * 1` would be CPython's
        # shared one-byte object (overwriting it corrupts every b" " in the process)
        log = bytearray(size)
        nvrtc.nvrtcGetProgramLog(prog, log)
        ok = res == nvrtc.nvrtcResult.NVRTC_SUCCESS
        if ok:
            _, psize = nvrtc.nvrtcGetPTXSize(prog)
            ptx = bytearray(psize)
            nvrtc.nvrtcGetPTX(prog, ptx)
            ok = f".entry {name}".encode() in ptx
        return ok, log.decode(errors="replace").rstrip("\x00 ")
    finally:
        nvrtc.nvrtcDestroyProgram(prog)


@pytest.mark.parametrize("name", sorted(cuda_src.SOURCES))
def test_kernel_compiles_with_nvrtc(name):
    try:
        ok, log = nvrtc_compile(cuda_src.full_source(name), name)
    except RuntimeError as exc:  # the bindings import but libnvrtc cannot be loaded
        pytest.skip(f"NVRTC unavailable: {exc}")
    assert ok, log


def test_nvrtc_check_catches_a_typo():
    src = cuda_src.full_source("cag_lenia_growth").replace("const float z", "const flaot z")
    try:
        ok, log = nvrtc_compile(src, "cag_lenia_growth")
    except RuntimeError as exc:
        pytest.skip(f"NVRTC unavailable: {exc}")
    assert not ok and "flaot" in log


def test_every_twin_has_a_reference_and_a_source():
    for name in cuda_src.TWINS:
        assert name in ref.__dict__, name
        assert f"cag_{name}" in cuda_src.SOURCES, name


def test_cuda_module_imports_without_a_device():
    cp = pytest.importorskip("cupy")
    from nodes.backend import cuda_available
    from nodes.kernels import FAST, cuda

    for name in cuda_src.TWINS:
        assert FAST["cupy"][name] is getattr(cuda, name)
    if not cuda_available():
        k = cuda.kernel("cag_advect")  # constructing is fine; compiling needs a device
        assert isinstance(k, cp.RawKernel)


def test_cupy_without_a_device_is_refused_with_a_clear_error(capsys):
    """CuPy installed, no usable device (CI): ``auto`` falls back to NumPy, asking for
    ``cupy`` says why it can't, and the CLI prints that instead of a traceback."""
    pytest.importorskip("cupy")
    from graph_app import cli
    from nodes.backend import BackendUnavailable, CupyBackend, cuda_available, get_backend

    if cuda_available():
        pytest.skip("a CUDA device is usable here")
    assert get_backend("auto").name == "numpy"
    with pytest.raises(BackendUnavailable, match="no CUDA device is usable"):
        CupyBackend()
    assert cli.main(["bench", "--backend", "cupy", "--size", "32", "--frames", "2"]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "no CUDA device is usable" in err and "Traceback" not in err


def test_a_device_that_cannot_run_the_kernels_is_not_used(monkeypatch, capsys):
    """A visible device whose CuPy cannot compile or run our kernels (a CuPy built for
    another CUDA major than the installed libraries): ``auto`` stays on NumPy and
    asking for ``cupy`` says why, instead of failing on the first frame."""
    cupy = pytest.importorskip("cupy")
    from graph_app import cli
    from nodes import backend

    def broken(cp):
        raise RuntimeError("nvrtc: libnvrtc.so.12 not found")

    monkeypatch.setattr(backend, "_CUDA_STATE", [])
    monkeypatch.setattr(cupy, "is_available", lambda: True)
    monkeypatch.setattr(cupy.cuda.runtime, "getDeviceCount", lambda: 1)
    monkeypatch.setattr(backend, "_cuda_smoke_test", broken)
    usable, reason = backend.cuda_status()
    assert not usable and "cannot run cagraph's kernels" in reason and "libnvrtc" in reason
    assert backend.get_backend("auto").name == "numpy"
    with pytest.raises(backend.BackendUnavailable, match="cannot run cagraph's kernels"):
        backend.CupyBackend()
    assert cli.main(["bench", "--backend", "cupy", "--size", "32", "--frames", "2"]) == 2
    err = capsys.readouterr().err
    assert "libnvrtc" in err and "Traceback" not in err
    # probed once: a working smoke test now changes nothing until the state is cleared
    monkeypatch.setattr(backend, "_cuda_smoke_test", lambda cp: None)
    assert not backend.cuda_available()
    backend._CUDA_STATE.clear()
    assert backend.cuda_available()


# -- host emulation ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def H():
    from nodes.kernels import cuda_host

    if cuda_host.compiler() is None:
        pytest.skip("no host C++ compiler")
    cuda_host.library()
    return cuda_host


def close(a, b, tol=2e-5):
    if isinstance(a, tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            close(x, y, tol)
        return
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype == f32
    np.testing.assert_allclose(a, b, rtol=0, atol=tol)


SHAPES = [(48, 48), (32, 80)]


@pytest.fixture(params=SHAPES, ids=lambda s: f"{s[0]}x{s[1]}")
def shape(request):
    return request.param


def rnd(rng, shape, scale=1.0, offset=0.0):
    return (rng.random(shape, dtype=f32) * f32(scale) + f32(offset)).astype(f32)


def test_advect(H, shape):
    rng = np.random.default_rng(1)
    A = rnd(rng, shape)
    vel = (rng.standard_normal((2, *shape)) * 4).astype(f32)
    for scale in (1.0, -2.5):
        close(H.twin("advect")(A, vel, scale), ref.advect(A, vel, scale))


@pytest.mark.parametrize("k", [2, 4])
def test_advect_lattice(H, shape, k):
    rng = np.random.default_rng(2)
    A = rnd(rng, shape)
    vel = (rng.standard_normal((2, *shape)) * 6).astype(f32)  # traces that wrap around
    close(H.twin("advect_lattice")(A, vel, k), ref.advect_lattice(A, vel, k))


def test_lenia_growth(H, shape):
    rng = np.random.default_rng(2)
    U, A = rnd(rng, shape, 0.4), rnd(rng, shape)
    close(H.twin("lenia_growth")(U, A, 0.15, 0.017, 0.1), ref.lenia_growth(U, A, 0.15, 0.017, 0.1))


@pytest.mark.parametrize("k, window", [(2, None), (2, (3, 5, 9, 7)), (4, (0, 2, 4, 3)),
                                       (3, (1, 1, 2, 2))])
def test_lenia_growth_lattice(H, k, window):
    """The lattice potential brought to every pixel, inside a window (one touching the
    lattice's first row: its footprint wraps) and on the whole torus, as the reference."""
    rng = np.random.default_rng(2)
    A = rnd(rng, (12 * k, 8 * k))
    y0, x0, hu, wu = window or (0, 0, 12, 8)
    U = rnd(rng, (hu, wu), 0.4)
    args = (U, A, 0.15, 0.017, 0.1, k, y0, x0)
    close(H.twin("lenia_growth_lattice")(*args, np.ones_like(A)),
          ref.lenia_growth_lattice(*args, np.ones_like(A)))


def test_smoothlife_rule(H, shape):
    rng = np.random.default_rng(3)
    n, m, A = rnd(rng, shape), rnd(rng, shape), rnd(rng, shape)
    args = (n, m, A, 0.278, 0.365, 0.267, 0.445, 0.028, 0.147, 0.1)
    close(H.twin("smoothlife_rule")(*args), ref.smoothlife_rule(*args))


@pytest.mark.parametrize("k", [1, 2, 4])
def test_mnca_update(H, shape, k):
    rng = np.random.default_rng(4)
    pots, A = rnd(rng, (k, *shape), 0.6), rnd(rng, shape)
    lows, highs = tuple(0.1 * i for i in range(k)), tuple(0.1 * i + 0.25 for i in range(k))
    close(H.twin("mnca_update")(pots, A, lows, highs, 0.05),
          ref.mnca_update(pots, A, lows, highs, 0.05))


def test_grayscott_step(H, shape):
    rng = np.random.default_rng(5)
    U, V, feed = rnd(rng, shape), rnd(rng, shape, 0.5), rnd(rng, shape, 0.1)
    close(H.twin("grayscott_step")(U, V, feed, 0.062, 0.21, 0.105),
          ref.grayscott_step(U, V, feed, 0.062, 0.21, 0.105))
    for fd in (feed, None):  # the feed rate as a gain on the map, or alone
        close(H.twin("grayscott_step")(U, V, fd, 0.062, 0.21, 0.105, feed_gain=0.6),
              ref.grayscott_step(U, V, fd, 0.062, 0.21, 0.105, feed_gain=0.6))
        # a split substep (dt < 1, a scaled diffusion above 1), and dt = 1 spelled out
        for dt in (0.25, 1.0):
            close(H.twin("grayscott_step")(U, V, fd, 0.062, 3.36, 1.68, feed_gain=0.6, dt=dt),
                  ref.grayscott_step(U, V, fd, 0.062, 3.36, 1.68, feed_gain=0.6, dt=dt))


@pytest.mark.parametrize("mask,vel_amp,centre,stir", [
    (True, 0.012, True, True), (False, 0.0, False, False), (True, 0.0, False, True),
    (False, 0.02, True, False)])
def test_post_step(H, shape, mask, vel_amp, centre, stir):
    rng = np.random.default_rng(6)
    A = rnd(rng, shape)
    prev = (A + rnd(rng, shape, 0.01, -0.005)).astype(f32)
    noise = rng.standard_normal(shape).astype(f32)
    mk = rnd(rng, shape, 0.1, 0.9) if mask else None
    ce = rnd(rng, shape, 0.01) if centre else None
    sx, sy = (rnd(rng, shape, 0.02, -0.01), rnd(rng, shape, 0.02, -0.01)) if stir else (None, None)
    a1, p1, a2, p2 = A.copy(), prev.copy(), A.copy(), prev.copy()
    h, w = shape
    args = (noise, h - 3, 7, 11, w - 1, ce, sx, sy, 0.3, -0.9, vel_amp, 0.03, 0.004)
    H.twin("post_step")(a1, p1, mk, *args)
    ref.post_step(a2, p2, mk, *args)
    close((a1, p1), (a2, p2))


@pytest.mark.parametrize("k", [None, 2])
@pytest.mark.parametrize("full", [True, False])
def test_advect_post(H, shape, full, k):
    """Transport, containment and perturbation fused: the same as advect then post_step
    (k: the trace on the 512 lattice, advect_lattice then post_step)."""
    rng = np.random.default_rng(15)
    src = rnd(rng, shape)
    vel = (rng.standard_normal((2, *shape)) * 3).astype(f32)
    prev = rnd(rng, shape)
    noise = rng.standard_normal(shape).astype(f32)
    mk = rnd(rng, shape, 0.1, 0.9) if full else None
    ce = rnd(rng, shape, 0.01) if full else None
    sx, sy = (rnd(rng, shape, 0.02, -0.01), rnd(rng, shape, 0.02, -0.01)) if full else (None,
                                                                                          None)
    args = (mk, noise, 3, 7, 11, 2, ce, sx, sy, 0.3, -0.9, 0.012 if full else 0.0, 0.03, 0.5)
    o1, p1, o2, p2 = np.empty_like(src), prev.copy(), np.empty_like(src), prev.copy()
    if k is None:
        assert H.twin("advect_post")(src, vel, 1.0, o1, p1, *args) is o1
        ref.advect(src, vel, 1.0, out=o2)
    else:
        vel *= f32(2)  # traces of several lattice steps, some wrapping around
        assert H.twin("advect_lattice_post")(src, vel, k, o1, p1, *args) is o1
        ref.advect_lattice(src, vel, k, out=o2)
    ref.post_step(o2, p2, *args)
    close((o1, p1), (o2, p2))
    assert float(np.abs(o1 - src).max()) > 1e-3  # it moved


def test_deadzone(H, shape):
    rng = np.random.default_rng(16)
    x = rnd(rng, shape, 0.4)
    close(H.twin("deadzone")(x, 0.015, 3.5), ref.deadzone(x, 0.015, 3.5), 1e-6)
    want = np.clip((x - f32(0.015)) * f32(3.5), 0, 1)
    close(ref.deadzone(x, 0.015, 3.5), want, 0)


@pytest.mark.parametrize("p", [0.5, 1.7, 2.0, 3.0])
def test_power(H, shape, p):
    rng = np.random.default_rng(17)
    x = rnd(rng, shape)
    x[0, :3] = (0.0, 1.0, 1e-6)
    x[1, :2] = (-0.5, -1e-3)  # below zero: 0, never NaN
    got = H.twin("power")(x, p)
    close(got, ref.power(x, p), 1e-6)
    want = np.maximum(x.astype(np.float64), 0) ** p
    np.testing.assert_allclose(got, want, rtol=3e-6, atol=1e-7)


def test_spectral_mul(H):
    rng = np.random.default_rng(16)

    def spec(*shape):
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(np.complex64)

    F, K, Ks = spec(24, 13), spec(24, 13), spec(3, 24, 13)
    np.testing.assert_allclose(H.twin("spectral_mul")(F, K), K * F, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(H.twin("spectral_mul")(F, Ks), Ks * F[None], rtol=1e-6,
                               atol=1e-6)
    G = F.copy()
    assert H.twin("spectral_mul")(G, K, out=G) is G  # in place, as the engines use it
    np.testing.assert_allclose(G, ref.spectral_mul(F, K), rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError):
        H.twin("spectral_mul")(F, spec(24, 12))


@pytest.mark.parametrize("zones", [True, False])
def test_signals_follow(H, zones):
    """Signals, peak followers and the prev copy in one launch, over three frames (the
    maxima and the block counter are reset by the kernel for the next one)."""
    rng = np.random.default_rng(17)
    z = rnd(rng, (40, 56), 2.0, -1.0) if zones else None
    state = [[np.zeros((40, 56), f32), np.ones(3, f32), np.zeros(3, f32),
              np.full(3, -np.inf, f32)] for _ in range(2)]
    for frame in range(3):
        W = rnd(rng, (40, 56), 0.5 + 0.4 * frame)
        outs = []
        for impl, (prev, inv, peaks, acc) in zip((H.twin("signals_follow"), ref.signals_follow),
                                                  state):
            outs.append(impl(W, prev, z, 0.3, 0.25, 0.45, inv, peaks, acc, 0.9, frame == 0))
            np.testing.assert_array_equal(prev, W)
            assert np.isneginf(acc).all()
        close(outs[0], outs[1], 1e-6)
        close(tuple(state[0][1:3]), tuple(state[1][1:3]), 1e-6)
    assert float(state[0][2][0]) > 0.9  # the density peak followed the field


@pytest.mark.parametrize("spacing,shape", [(2, (40, 56)), (4, (40, 56)), (4, (7, 9))])
def test_signals_follow_with_edge_taps_spacing_px_apart(H, spacing, shape):
    """The edges between the pixels ``spacing`` px either side (periodic), as the
    reference, the maxima and peak followers too."""
    rng = np.random.default_rng(23)
    z = rnd(rng, shape, 2.0, -1.0)
    Wp = rnd(rng, shape)
    W = rnd(rng, shape, 0.9)
    outs, states = [], []
    for impl in (H.twin("signals_follow"), ref.signals_follow):
        prev, inv, peaks = Wp.copy(), np.array([1.2, 3.0, 2.0], f32), np.zeros(3, f32)
        acc = np.full(3, -np.inf, f32)
        outs.append(impl(W, prev, z, 0.3, 0.25, 0.45, inv, peaks, acc, 0.9, True,
                         spacing=spacing))
        states.append((peaks, inv))
        np.testing.assert_array_equal(prev, W)
    close(outs[0], outs[1], 1e-6)
    close(states[0], states[1], 1e-6)
    gx = np.roll(W, spacing, 1) - np.roll(W, -spacing, 1)
    gy = np.roll(W, spacing, 0) - np.roll(W, -spacing, 0)
    assert float(states[1][0][2]) == pytest.approx(float(np.hypot(gx, gy).max()), rel=1e-6)


def test_signals_follow_negative_fields(H):
    """Negative maxima take the other branch of the atomic float max."""
    rng = np.random.default_rng(8)
    W, Wp = rnd(rng, (40, 40), 1.0, -1.5), rnd(rng, (40, 40))
    got, want = [], []
    for impl, out in ((H.twin("signals_follow"), got), (ref.signals_follow, want)):
        prev, inv, peaks = Wp.copy(), np.array([1.2, 3.0, 2.0], f32), np.zeros(3, f32)
        acc = np.full(3, -np.inf, f32)
        out.append(impl(W, prev, None, 0.3, 0.25, 0.45, inv, peaks, acc, 0.9, False))
        out.append((peaks, inv))
    close(got[0], want[0], 1e-6)
    close(got[1], want[1], 0)
    ref_max = ref.signals(W, Wp, None, 0.3, 0.25, 0.45, 1.2, 3.0, 2.0)[2]
    assert float(ref_max) < 0 and got[1][0][0] == f32(0.0)  # max(W) < 0, decay * 0 = 0


@pytest.mark.parametrize("shift", [0.0, 0.37])
def test_palette_lut(H, shift):
    a, b, c, d = (0.5, 0.45, 0.52), (0.5, 0.4, 0.45), (2.2, 1.6, 2.0), (0.08, 0.3, 0.55)
    gain = (1.3, 0.7, 1.05)
    got, want = np.empty((1024, 3), f32), np.empty((1024, 3), f32)
    H.twin("palette_lut")(a, b, c, d, 0.06, 0.03, shift, gain, out=got)
    ref.palette_lut(a, b, c, d, 0.06, 0.03, shift, gain, out=want)
    close(got, want, 1e-6)
    assert float(got.max()) > 1.0  # the gain is applied after the clip


@pytest.mark.parametrize("shape", [(16, 24, 3), (32, 32), (20, 12, 3)])
def test_blur_dense(H, shape):
    from nodes.library.colour import gaussian_matrix

    rng = np.random.default_rng(14)
    img = rnd(rng, shape)
    gy, gx = gaussian_matrix(shape[0], 1.7), gaussian_matrix(shape[1], 2.5)
    got = H.twin("blur_dense")(img, gy, gx)
    close(got, ref.blur_dense(img, gy, gx), 1e-5)
    out = np.empty(shape, f32)
    assert H.twin("blur_dense")(img, gy, gx, out=out) is out
    assert float(np.abs(got - img).max()) > 1e-2  # it blurs


def test_palette_map(H, shape):
    rng = np.random.default_rng(9)
    t, a = rnd(rng, shape), rnd(rng, shape)
    t[0, :2] = (np.nan, 1.0)  # a NaN reads entry 0, t = 1 the last entry
    a[0, 2:4] = (np.nan, -0.5)
    lut, alut = rnd(rng, (1024, 3), 1.6), rnd(rng, (256,))
    close(H.twin("palette_map")(t, a, lut, alut), ref.palette_map(t, a, lut, alut))
    # straight into a non-contiguous THWC-like view (channels strided)
    out = np.empty((shape[0], 3, shape[1]), f32).transpose(0, 2, 1)
    H.twin("palette_map")(t, a, lut, alut, out=out)
    close(np.ascontiguousarray(out), ref.palette_map(t, a, lut, alut))


@pytest.mark.parametrize("chans", [0, 3])
def test_bloom_resampling(H, chans):
    rng = np.random.default_rng(10)
    shape = (64, 96) + ((chans,) if chans else ())
    img = rnd(rng, shape)
    for f in (4, 8):
        close(H.twin("downsample_box")(img, f), ref.downsample_box(img, f), 1e-6)
        o = np.empty((64 // f, 96 // f, *shape[2:]), f32)
        assert H.twin("downsample_box")(img, f, out=o) is o
        close(o, ref.downsample_box(img, f), 1e-6)
        small = ref.downsample_box(img, f)
        close(H.twin("upsample_add")(img, small, 0.3), ref.upsample_add(img, small, 0.3))
        o1, o2 = np.empty_like(img), np.empty_like(img)
        close(H.twin("upsample_add")(None, small, 0.0, out=o1),
              ref.upsample_add(None, small, 0.0, out=o2))


@pytest.mark.parametrize("fit", ["stretch", "contain", "cover"])
@pytest.mark.parametrize("size", [(30, 70), (96, 64), (64, 96), (32, 200)])
def test_resize_bilinear(H, size, fit):
    rng = np.random.default_rng(11)
    img = rnd(rng, (64, 96, 3))
    got, want = H.twin("resize_bilinear")(img, *size, fit), ref.resize_bilinear(img, *size, fit)
    close(got, want)
    assert np.array_equal(got == 0, want == 0)  # the same bars


# -- whole graphs through the host-emulated twins, with CuPy's FFT conventions ------------

class _HostTwinBackend:
    """NumPy backend whose kernels are the CUDA twins run on the host, and whose FFT
    follows CupyBackend's convention (spectra carry 1/(H W), C2R is unnormalised)."""

    def __new__(cls, H):
        from nodes.backend import Backend

        class HostTwin(Backend):
            name = "numpy"

            def __init__(self):
                super().__init__()
                from nodes.kernels import REFERENCE

                # kernels without a CUDA twin run their reference, as KernelSet does on CuPy
                kernels = {n: staticmethod(f) for n, f in REFERENCE.items()}
                kernels.update({n: staticmethod(H.twin(n)) for n in cuda_src.TWINS})
                self.k = type("K", (), kernels)()

            # like cuFFT through CupyBackend, the FFTs write into the nodes' kept work
            # arrays, so their reuse (aliasing, shapes) is exercised here too
            fft_writes_out = True

            @staticmethod
            def _into(res, out):
                if out is None:
                    return res
                assert out.shape == res.shape and out.flags.c_contiguous
                out[...] = res
                return out

            def rfft2(self, a, out=None):
                return self._into(super().rfft2(a).astype(np.complex64), out)

            def irfft2(self, f, shape, *, prescaled=False, out=None):
                res = super().irfft2(f, shape)
                if prescaled:  # what an unnormalised C2R of a 1/(HW)-scaled product gives
                    res = (res * f32(shape[0] * shape[1])).astype(f32)
                return self._into(res.astype(f32), out)

            def spectrum(self, spec, shape):
                return (np.asarray(spec) / (shape[0] * shape[1])).astype(np.complex64)

        return HostTwin()


@pytest.mark.parametrize("grid", [None, (96, 48)], ids=["64x64", "96x48"])
@pytest.mark.parametrize("name", ["amoeba", "sl_gliders", "mnca_worm", "reef"])
def test_presets_through_host_twins_match_numpy(H, name, grid):
    """Each family's preset through the CUDA sources (host-built) tracks the NumPy backend,
    on a square grid and on a rectangular one (separate H and W in every kernel)."""
    import nodes
    from nodes_helpers import GRAPHS_DIR

    from nodes import Runtime

    size = None if grid else 64
    # exact_grid: the small grid itself (reef would simulate at 512: nodes.sim_grid)
    rn = Runtime(nodes.load(GRAPHS_DIR / f"{name}.graph"), backend="numpy", size=size, grid=grid,
                 exact_grid=True)
    rt = Runtime(nodes.load(GRAPHS_DIR / f"{name}.graph"), backend=_HostTwinBackend(H),
                 size=size, grid=grid, exact_grid=True)
    for _ in range(3):
        a, b = rn.step(), rt.step()
        d = np.abs(np.asarray(a) - np.asarray(b))
        assert float(d.mean()) < 2e-4 and float(np.quantile(d, 0.999)) < 2e-2
    # the engines really used the twins and the folded normalisation (a wrong scale
    # would blow the field up or wipe it out)
    eng = rt.values[("engine", "field")]
    assert 0.0 < float(np.mean(eng)) < 1.0
    if name != "reef":  # FFT engines ran through their kept work arrays
        work = rt.nodes["engine"].state["Fa"]
        assert work.dtype == np.complex64 and work.shape == ((48, 49) if grid else (64, 33))


@pytest.mark.parametrize("gate", [0.01, 0.5])
def test_coverage_stats(H, shape, gate):
    rng = np.random.default_rng(12)
    A = rnd(rng, shape) ** 3
    for _ in range(2):  # the workspace is left zeroed for the next call
        got = H.twin("coverage_stats")(A, gate)
        close(got, ref.coverage_stats(A, gate), 1e-6)
    out = np.full(2, -1, f32)
    assert H.twin("coverage_stats")(A, gate, out=out) is out
    close(out, ref.coverage_stats(A, gate), 1e-6)


@pytest.mark.parametrize("size", [48, 1024])
def test_signals_node_device_path_matches_host_path(H, make_ctx, size):
    """Colour Signals' device branch (peaks on the device) run on the host twins; at 1024
    both take their edges 2 px apart (colour.edge_spacing)."""
    from nodes_helpers import params_of

    from nodes.library.colour import Signals
    from nodes.spec import Context

    p = params_of(Signals, decay=0.9)
    twin_be = type("B", (), {"xp": np, "name": "twin", "k": type("K", (), {
        n: staticmethod(H.twin(n)) for n in cuda_src.TWINS})()})()
    host, dev = Signals("s", 0), Signals("s", 0)
    for frame in range(6):
        W = rnd(np.random.default_rng(frame), (48, 48), 0.4 + 0.5 * (frame % 2))
        o1 = host.process(make_ctx(size, frame=frame), {"field": W}, p)
        o2 = dev._process_device(Context(twin_be, size, 48, 48, 30.0, frame=frame), W,
                                 {"field": W}, p)
        close((o2["t"], o2["alpha"]), (o1["t"], o1["alpha"]), 1e-6)
    np.testing.assert_allclose(dev.state["peaks"], host.state["peaks"], rtol=1e-6)
