"""Array backends: NumPy (+SciPy FFT, +numba kernels when present) and CuPy.

Node code is written once against ``be.xp`` (the array module) plus the few
things NumPy and CuPy spell differently, which live here: real FFTs with
preallocated plans, host transfer, and the fused kernels in ``be.k``.
CuPy is imported lazily and only when asked for (or when ``auto`` finds a
usable CUDA device), so a CPU-only machine never needs it.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

import numpy as np

from .kernels import KernelSet

_local = threading.local()  # per-thread frame state (Backend.begin_frame / end_frame)

BACKENDS = ("auto", "numpy", "cupy")


class BackendUnavailable(RuntimeError):
    pass


def is_cupy_array(a: Any) -> bool:
    cp = sys.modules.get("cupy")
    return cp is not None and isinstance(a, cp.ndarray)


_CUDA_STATE: list = []  # [(usable, reason)] once probed


def cuda_status() -> tuple[bool, str]:
    """(usable, reason): CuPy imports, a device is there, and it can actually run our
    kernels (NVRTC compiles, a kernel and a cuFFT transform give the right numbers).

    A device can be visible while kernels can't run (CuPy built for another CUDA
    major than the driver's libraries, NVRTC missing): ``auto`` must then stay on
    NumPy instead of failing on the first frame.  Probed once per process."""
    if _CUDA_STATE:
        return _CUDA_STATE[0]
    try:
        import cupy
    except Exception as exc:
        state = (False, f"CuPy does not import ({type(exc).__name__}: {exc})")
    else:
        try:
            present = cupy.is_available() and cupy.cuda.runtime.getDeviceCount() > 0
        except Exception:
            present = False
        if not present:
            state = (False, "CuPy is installed but no CUDA device is usable")
        else:
            try:
                _cuda_smoke_test(cupy)
                state = (True, "")
            except Exception as exc:  # noqa: BLE001 - any failure means "not usable"
                state = (False, "a CUDA device is visible but CuPy cannot run cagraph's "
                                f"kernels on it ({type(exc).__name__}: {exc})")
    _CUDA_STATE.append(state)
    return state


def _cuda_smoke_test(cp) -> None:
    """One fused kernel (compiled by NVRTC) and one cuFFT transform, checked on the host."""
    from .kernels import cuda as kcuda
    from .kernels import ref

    x = np.linspace(0, 1, 256, dtype=np.float32).reshape(16, 16)
    got = cp.asnumpy(kcuda.deadzone(cp.asarray(x), 0.25, 2.0))
    want = ref.deadzone(x, 0.25, 2.0)
    spec = cp.asnumpy(cp.fft.rfft2(cp.asarray(x)))
    if not (np.allclose(got, want, atol=1e-5)
            and np.allclose(spec, np.fft.rfft2(x), atol=1e-3)):
        raise RuntimeError("a test kernel gave wrong results")


def cuda_available() -> bool:
    """True when CuPy imports and a CUDA device can actually run cagraph's kernels."""
    return cuda_status()[0]


class Readback:
    """A host copy of a small array that may still be in flight (see Backend.readback)."""

    __slots__ = ("_host", "_event", "_pending", "_keep")

    def __init__(self, host: np.ndarray, event=None, keep=None):
        self._host, self._event, self._keep = host, event, keep
        self._pending = event is not None

    def get(self) -> np.ndarray:
        if self._pending:
            self._event.synchronize()
            self._pending, self._keep = False, None
        return self._host


class Backend:
    name: str = "numpy"
    #: whether rfft2/irfft2 write into a given ``out`` (else a work buffer is wasted)
    fft_writes_out: bool = False
    #: arrays live on an accelerator: reading a number back is a sync, so nodes keep
    #: their per-frame statistics (e.g. Colour Signals' peak followers) on the device
    device_resident: bool = False

    _cpu_frame = None  # the numba kernels' module, False without them (begin_frame)

    def __init__(self):
        self.xp = np
        self.k = KernelSet(self)
        _limit_blas_threads()

    # -- host transfer ----------------------------------------------------------
    def asarray(self, a, dtype=np.float32):
        return self.xp.asarray(a, dtype=dtype)

    def to_host(self, a) -> np.ndarray:
        return np.asarray(a)

    def scalar(self, a) -> float:
        """One number back on the host (a sync point on GPU: use sparingly)."""
        return float(a)

    def synchronize(self) -> None:
        pass

    def begin_frame(self) -> None:
        """Called by the runtime before each frame, in the thread that evaluates it.

        With the numba kernels (``kernels.cpu.begin_frame``): subnormal floats are flushed
        to zero in this thread and in numba's worker threads until :meth:`end_frame` (a
        Gray-Scott frame at 1024^2 was several times slower on its decaying tails), and
        parallel loops hand out rows in small chunks (a frame beside the editor's UI
        thread loses less when that thread takes a core)."""
        if self._cpu_frame is None:
            self._cpu_frame = False
            impl = getattr(self.k, "implementation", None)  # (test doubles may lack it)
            if impl is not None and impl("advect") == "numba":
                from .kernels import cpu

                self._cpu_frame = cpu
        if self._cpu_frame:
            if not hasattr(_local, "frame_was"):
                _local.frame_was = []  # a stack: a frame may run inside another's
            _local.frame_was.append(self._cpu_frame.begin_frame())

    def end_frame(self) -> None:
        """After each frame (also one that raised): the calling thread's subnormal handling
        and loop scheduling go back to what they were before :meth:`begin_frame`."""
        stack = getattr(_local, "frame_was", None)
        if self._cpu_frame and stack:
            self._cpu_frame.end_frame(stack.pop())

    def readback(self, a, into: "Readback | None" = None) -> "Readback":
        """Start bringing a small array to the host without waiting for it: ``.get()``
        on the result returns it later (on GPU it blocks only if the copy is still
        running, so a frame can read the previous frame's numbers without a sync).

        ``into``: an earlier Readback of the same shape whose host buffer (and event)
        may be reused; its previous value must not be needed any more."""
        if into is not None and into._host.shape == a.shape and into._host.dtype == a.dtype:
            into._host[...] = a
            return into
        return Readback(np.array(a, copy=True))

    # -- FFT ----------------------------------------------------------------------
    def rfft2(self, a, out=None):
        """Real 2-D FFT over the last two axes.  ``out`` is a storage hint: the GPU
        backend writes into it (complex64, matching shape); NumPy/SciPy have no output
        argument and return a new array.  Always use the returned array."""
        sf = _scipy_fft()
        if sf:
            # the two passes of a 2-D R2C done by hand: the row R2C, then the column
            # transform in place on its (new) output.  The same pocketfft passes in the
            # same order as ``rfft2``, so bitwise the same spectrum, without its extra
            # buffer (at 1024^2 about 15 % quicker)
            f = sf.rfft(a, axis=-1, workers=_workers())
            return sf.fft(f, axis=-2, overwrite_x=True, workers=_workers())
        return np.fft.rfft2(a)

    def irfft2(self, f, shape, *, prescaled: bool = False, out=None):
        """Inverse of :meth:`rfft2` over the last two axes.

        ``prescaled=True`` promises that ``f`` was multiplied by a spectrum made
        with :meth:`spectrum` (which may carry the 1/(H W) normalisation, as on
        CuPy): the backend then skips its own normalisation.  ``f`` may be
        overwritten (cuFFT's C2R destroys its input); don't reuse it.  ``out`` is a
        storage hint as in :meth:`rfft2`.
        """
        sf = _scipy_fft()
        if sf:
            # the two passes of a 2-D C2R done by hand: the column inverse in place
            # (``f`` may be overwritten), then the row C2R, batched over a stack (MNCA's
            # rings).  Same pocketfft passes in the same order, so bitwise the same
            # frames as ``irfft2``, without its copy of the input and at 1024^2 about a
            # third quicker (scipy's batched 2-D C2R is slower still)
            if not (f.dtype in (np.complex64, np.complex128) and f.flags.c_contiguous
                    and f.flags.writeable):
                f = np.array(f, dtype=np.result_type(f.dtype, np.complex64))
            f = sf.ifft(f, n=shape[-2], axis=-2, overwrite_x=True, workers=_workers())
            return sf.irfft(f, n=shape[-1], axis=-1, workers=_workers())
        return np.fft.irfft2(f, s=shape).astype(np.float32, copy=False)

    def spectrum(self, spec, shape):
        """A convolution-kernel spectrum (host complex array) for ``irfft2(..., prescaled=True)``.

        The spectrum of a centred symmetric kernel (all of the engines' and the blurs') is
        real: its imaginary part is rounding (~1e-17).  NumPy keeps only the real part,
        in float32: ``spectral_mul`` then reads half the bytes and does two products per
        bin instead of a complex product (the result differs by that rounding only)."""
        spec = np.asarray(spec)
        if np.iscomplexobj(spec) and spec.size:
            re = spec.real
            if float(np.abs(spec.imag).max()) <= 1e-6 * max(float(np.abs(re).max()), 1e-30):
                return np.ascontiguousarray(re, dtype=np.float32)
        return self.xp.asarray(spec)

    def __repr__(self) -> str:
        return f"<Backend {self.name}>"


class CupyBackend(Backend):
    """CuPy: fused CUDA kernels (``nodes/kernels/cuda.py``), cuFFT plans built once
    per shape and executed into pool-allocated outputs, and no host synchronisation
    except where node code asks for numbers (``to_host`` / ``scalar``).

    The inverse FFT is cuFFT's unnormalised C2R: spectra made by :meth:`spectrum`
    carry the 1/(H W) factor, so ``irfft2(F * K, prescaled=True)`` needs no extra
    pass; without ``prescaled`` one in-place scale follows.
    """

    name = "cupy"
    fft_writes_out = True
    device_resident = True

    def __init__(self):
        import cupy

        usable, reason = cuda_status()
        if not usable:
            raise BackendUnavailable(reason)
        import cupyx.scipy.fft as cfft

        self.xp = cupy
        self._cfft = cfft
        self._cufft = cupy.cuda.cufft
        self._plans: dict[tuple, Any] = {}
        self.k = KernelSet(self)

    def to_host(self, a) -> np.ndarray:
        return self.xp.asnumpy(a) if is_cupy_array(a) else np.asarray(a)

    def scalar(self, a) -> float:
        return float(a.get()) if is_cupy_array(a) else float(a)

    def synchronize(self) -> None:
        self.xp.cuda.get_current_stream().synchronize()

    def readback(self, a, into: "Readback | None" = None) -> "Readback":
        if (into is not None and into._event is not None and into._host.shape == a.shape
                and into._host.dtype == a.dtype):
            # same pinned buffer and event: the new copy is queued after the old one on
            # the stream, and get() waits for the newly recorded event
            rb = into
        else:
            import cupyx

            host = cupyx.empty_pinned(a.shape, a.dtype)  # pinned: the copy is truly async
            rb = Readback(host, self.xp.cuda.Event(disable_timing=True))
        self.xp.asnumpy(a, out=rb._host, blocking=False)  # queued on the current stream
        rb._event.record()
        rb._pending, rb._keep = True, a
        return rb

    def _plan(self, kind: str, a, shape=None):
        key = (kind, a.shape, shape, self.xp.cuda.runtime.getDevice())
        plan = self._plans.get(key)
        if plan is None:
            if kind == "R2C":
                plan = self._cfft.get_fft_plan(a, axes=(-2, -1), value_type="R2C")
            else:
                plan = self._cfft.get_fft_plan(a, shape=shape, axes=(-2, -1), value_type="C2R")
            self._plans[key] = plan
        return plan

    @staticmethod
    def _fits(out, shape, dtype) -> bool:
        return (out is not None and out.shape == shape and out.dtype == dtype
                and out.flags.c_contiguous)

    def rfft2(self, a, out=None):
        cp = self.xp
        if a.dtype != cp.float32 or not a.flags.c_contiguous:
            a = cp.ascontiguousarray(a, dtype=cp.float32)
        shape = (*a.shape[:-1], a.shape[-1] // 2 + 1)
        if not self._fits(out, shape, cp.complex64):
            out = cp.empty(shape, dtype=cp.complex64)
        self._plan("R2C", a).fft(a, out, self._cufft.CUFFT_FORWARD)
        return out

    def irfft2(self, f, shape, *, prescaled: bool = False, out=None):
        cp = self.xp
        shape = (int(shape[0]), int(shape[1]))
        if f.dtype != cp.complex64 or not f.flags.c_contiguous:
            f = cp.ascontiguousarray(f, dtype=cp.complex64)
        full = (*f.shape[:-2], *shape)
        if not self._fits(out, full, cp.float32):
            out = cp.empty(full, dtype=cp.float32)
        self._plan("C2R", f, shape).fft(f, out, self._cufft.CUFFT_INVERSE)
        if not prescaled:
            out *= cp.float32(1.0 / (shape[0] * shape[1]))
        return out

    def spectrum(self, spec, shape):
        scale = 1.0 / (int(shape[0]) * int(shape[1]))
        return self.xp.asarray((np.asarray(spec) * scale).astype(np.complex64))


_SCIPY_FFT: Any = None


def _scipy_fft():
    global _SCIPY_FFT
    if _SCIPY_FFT is None:
        try:
            import scipy.fft as sf

            _SCIPY_FFT = sf
        except ImportError:
            _SCIPY_FFT = False
    return _SCIPY_FFT


_BLAS_LIMITED = False


def _limit_blas_threads() -> None:
    """Run NumPy's bundled OpenBLAS on ``CAGRAPH_BLAS_THREADS`` threads (default 1).

    The only BLAS calls in a frame are small blur products (<= 256 x 256 matrices:
    Bloom, Thickness).  OpenBLAS's workers spin after each call and steal the
    cores from scipy.fft's workers and numba's kernels: on the 2-core dev box a
    128 x 128 x 384 GEMM took 0.8 ms on one thread and 29 ms on two under load.
    Set ``CAGRAPH_BLAS_THREADS=0`` to leave BLAS alone.
    """
    global _BLAS_LIMITED
    if _BLAS_LIMITED:
        return
    _BLAS_LIMITED = True
    try:
        n = int(os.environ.get("CAGRAPH_BLAS_THREADS", "1"))
    except ValueError:
        return
    if n <= 0:
        return
    try:
        import ctypes
        import glob

        libdir = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs")
        for path in glob.glob(os.path.join(libdir, "*openblas*")):
            lib = ctypes.CDLL(path)
            for sym in ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
                        "openblas_set_num_threads64_", "openblas_set_num_threads"):
                fn = getattr(lib, sym, None)
                if fn is not None:
                    fn(ctypes.c_int(n))
                    break
    except Exception:  # pragma: no cover - exotic BLAS builds: leave them alone
        pass


_CPUS = os.cpu_count() or 1


def _workers() -> int:
    return int(os.environ.get("CAGRAPH_FFT_WORKERS", _CPUS))


_CACHE: dict[str, Backend] = {}


def get_backend(name: str = "auto") -> Backend:
    """``auto`` picks CuPy only when a CUDA device is usable, else NumPy."""
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")
    if name == "auto":
        name = "cupy" if cuda_available() else "numpy"
    if name not in _CACHE:
        if name == "cupy":
            try:
                _CACHE[name] = CupyBackend()
            except ImportError:
                raise BackendUnavailable(
                    "backend 'cupy' needs CuPy: pip install 'cagraph[gpu]'") from None
        else:
            _CACHE[name] = Backend()
    return _CACHE[name]
