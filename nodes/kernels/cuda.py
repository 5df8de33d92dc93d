"""CuPy fast twins of the reference kernels (``@fast("cupy")``).

Importing this module needs CuPy (an ImportError tells the kernel registry to
fall back to the reference kernels), but no GPU: the ``RawKernel`` objects are
built lazily and compiled by NVRTC on their first launch.  The CUDA sources
live in :mod:`nodes.kernels.cuda_src` (re-exported here as ``SOURCES``) so CI
can compile-check and host-run them without CuPy.

Each twin has the name and signature of its twin in ``ref.py``, launches one
fused kernel on CuPy's current stream, allocates nothing but its outputs
(from CuPy's memory pool) and never synchronises with the host: reductions
(the colour-signal maxima) stay on the device as 0-d arrays.
"""

from __future__ import annotations

import cupy as cp

from . import fast
from .cuda_src import PRELUDE, REDUCING, SOURCES, TWINS, full_source  # noqa: F401

BLOCK = 256
_KERNELS: dict[str, "cp.RawKernel"] = {}
_MAX_BLOCKS: list[int] = []
_OPTIONS = ("--std=c++14",)


def kernel(name: str) -> "cp.RawKernel":
    k = _KERNELS.get(name)
    if k is None:
        k = _KERNELS[name] = cp.RawKernel(full_source(name), name, options=_OPTIONS)
    return k


def _reduce_blocks() -> int:
    """Grid size for reducing kernels: a few waves of the device's SMs."""
    if not _MAX_BLOCKS:
        try:
            sms = cp.cuda.Device().attributes["MultiProcessorCount"]
        except Exception:
            sms = 132
        _MAX_BLOCKS.append(int(sms) * 8)
    return _MAX_BLOCKS[0]


def launch(name: str, n: int, args) -> None:
    blocks = max(1, (int(n) + BLOCK - 1) // BLOCK)
    if name in REDUCING:
        blocks = min(blocks, _reduce_blocks())
    kernel(name)((blocks,), (BLOCK,), args)


def _bind(name: str):
    impl = TWINS[name]

    def twin(*args, **kwargs):
        return impl(cp, launch, *args, **kwargs)

    twin.__name__ = twin.__qualname__ = name
    twin.__doc__ = f"CuPy twin of ``ref.{name}`` (one fused CUDA kernel)."
    return fast("cupy", name)(twin)


for _name in TWINS:
    globals()[_name] = _bind(_name)
del _name
