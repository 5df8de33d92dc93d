"""Run the CUDA kernel sources on the host (CI without a GPU).

The sources in :mod:`nodes.kernels.cuda_src` are grid-stride loops, so one
"block" of one "thread" computes the whole launch.  This module compiles them
with the host C++ compiler behind a small shim for the CUDA built-ins they use
(thread indices, ``__shfl_xor_sync``, atomics, bit casts) and calls them with
ctypes on NumPy arrays.  It checks the *kernel bodies* (index maths, operation
order, flags) against the reference kernels; the NVRTC compile check covers
what only the device compiler sees.  Test-only: slow, single-threaded.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import tempfile

import numpy as np

from . import cuda_src

HOST_SHIM = r"""
#include <cmath>
#include <cstring>
#include <cstdint>
#define CAG_HOST 1
using std::floor; using std::exp; using std::cos; using std::pow;
#define __global__
#define __device__
#define __forceinline__ inline
struct cag_dim3 { unsigned int x, y, z; };
struct float2 { float x, y; };
static const cag_dim3 blockIdx = {0, 0, 0};
static const cag_dim3 threadIdx = {0, 0, 0};
static const cag_dim3 blockDim = {1, 1, 1};
static const cag_dim3 gridDim = {1, 1, 1};
static inline float __shfl_xor_sync(unsigned, float v, int) { return v; }
static inline int __float_as_int(float f) { int i; std::memcpy(&i, &f, 4); return i; }
static inline unsigned int __float_as_uint(float f) { unsigned u; std::memcpy(&u, &f, 4); return u; }
static inline float __int_as_float(int i) { float f; std::memcpy(&f, &i, 4); return f; }
static inline int atomicMax(int* a, int v) { int o = *a; if (v > o) *a = v; return o; }
static inline unsigned atomicMin(unsigned* a, unsigned v) { unsigned o = *a; if (v < o) *a = v; return o; }
static inline float atomicAdd(float* a, float v) { float o = *a; *a = o + v; return o; }
static inline unsigned atomicAdd(unsigned* a, unsigned v) { unsigned o = *a; *a = o + v; return o; }
static inline float atomicExch(float* a, float v) { float o = *a; *a = v; return o; }
static inline unsigned atomicExch(unsigned* a, unsigned v) { unsigned o = *a; *a = v; return o; }
static inline void __syncthreads() {}
static inline float __fmul_rn(float a, float b) { return a * b; }
static inline float __fadd_rn(float a, float b) { return a + b; }
static inline void __threadfence() {}
"""


def compiler() -> str | None:
    return shutil.which(os.environ.get("CXX", "g++")) or shutil.which("c++")


def host_source() -> str:
    units = dict.fromkeys(cuda_src.SOURCES[name] for name in sorted(cuda_src.SOURCES))
    body = "".join(units)  # a unit holding several kernels is listed under each name
    return HOST_SHIM + cuda_src.PRELUDE + body


_LIB: ctypes.CDLL | None = None


def library() -> ctypes.CDLL:
    """Build (once per source hash) and load the host library."""
    global _LIB
    if _LIB is not None:
        return _LIB
    cxx = compiler()
    if cxx is None:
        raise RuntimeError("no C++ compiler found")
    src = host_source()
    tag = hashlib.sha1(src.encode()).hexdigest()[:16]
    d = os.path.join(tempfile.gettempdir(), "cagraph-cuda-host")
    os.makedirs(d, exist_ok=True)
    so = os.path.join(d, f"kernels-{tag}.so")
    if not os.path.exists(so):
        cpp = os.path.join(d, f"kernels-{tag}.cpp")
        with open(cpp, "w") as fh:
            fh.write(src)
        tmp = so + f".{os.getpid()}"
        # -ffp-contract=off: no FMA contraction, so the host run follows the written order
        subprocess.run([cxx, "-O1", "-std=c++14", "-ffp-contract=off", "-shared", "-fPIC",
                        "-o", tmp, cpp], check=True, capture_output=True, text=True)
        os.replace(tmp, so)
    _LIB = ctypes.CDLL(so)
    return _LIB


def _carg(a):
    if isinstance(a, np.ndarray):
        if not a.flags.c_contiguous:
            raise ValueError("kernel arrays must be contiguous")
        return ctypes.c_void_p(a.ctypes.data)
    if isinstance(a, np.float32):
        return ctypes.c_float(a)
    if isinstance(a, np.float64):
        return ctypes.c_double(a)
    if isinstance(a, np.int32):
        return ctypes.c_int(a)
    if isinstance(a, np.int64):
        return ctypes.c_longlong(a)
    raise TypeError(f"unsupported kernel argument {type(a).__name__}")


def launch(name: str, n: int, args) -> None:
    fn = getattr(library(), name)
    fn.restype = None
    fn(*[_carg(a) for a in args])


def twin(name: str):
    """The twin ``name`` bound to NumPy and the host launcher (ref.py's signature)."""
    impl = cuda_src.TWINS[name]

    def run(*args, **kwargs):
        return impl(np, launch, *args, **kwargs)

    run.__name__ = name
    return run
