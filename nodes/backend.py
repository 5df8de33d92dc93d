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
from typing import Any

import numpy as np

from .kernels import KernelSet

BACKENDS = ("auto", "numpy", "cupy")


class BackendUnavailable(RuntimeError):
    pass


def is_cupy_array(a: Any) -> bool:
    cp = sys.modules.get("cupy")
    return cp is not None and isinstance(a, cp.ndarray)


def cuda_available() -> bool:
    """True when CuPy imports and a CUDA device can actually be used."""
    try:
        import cupy  # noqa: F401
    except Exception:
        return False
    try:
        return cupy.is_available() and cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:
        return False


class Backend:
    name: str = "numpy"

    def __init__(self):
        self.xp = np
        self.k = KernelSet(self)

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

    # -- FFT ----------------------------------------------------------------------
    def rfft2(self, a):
        return _scipy_fft().rfft2(a, workers=_workers()) if _scipy_fft() else np.fft.rfft2(a)

    def irfft2(self, f, shape):
        if _scipy_fft():
            return _scipy_fft().irfft2(f, s=shape, workers=_workers())
        return np.fft.irfft2(f, s=shape).astype(np.float32, copy=False)

    def __repr__(self) -> str:
        return f"<Backend {self.name}>"


class CupyBackend(Backend):
    name = "cupy"

    def __init__(self):
        import cupy

        if not cuda_available():
            raise BackendUnavailable("CuPy is installed but no CUDA device is usable")
        self.xp = cupy
        self.k = KernelSet(self)

    def to_host(self, a) -> np.ndarray:
        return self.xp.asnumpy(a) if is_cupy_array(a) else np.asarray(a)

    def scalar(self, a) -> float:
        return float(a.get()) if is_cupy_array(a) else float(a)

    def synchronize(self) -> None:
        self.xp.cuda.get_current_stream().synchronize()

    def rfft2(self, a):
        import cupyx.scipy.fft as cfft

        return cfft.rfft2(a)

    def irfft2(self, f, shape):
        import cupyx.scipy.fft as cfft

        return cfft.irfft2(f, s=shape)


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


def _workers() -> int:
    return int(os.environ.get("CAGRAPH_FFT_WORKERS", os.cpu_count() or 1))


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
