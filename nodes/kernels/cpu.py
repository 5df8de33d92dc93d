"""numba twins of the reference kernels (``ref.py``): same names, same signatures.

Each public function here is a thin Python wrapper (argument coercion to
float32, optional-argument flags, cached index tables) around a
``@njit(parallel=True, cache=True)`` loop.  They are registered with
``@fast("numba")`` and picked by ``be.k.<name>`` on the NumPy backend; the
tests in ``tests/nodes/test_kernels_cpu.py`` hold them to float32 tolerance of
the reference.

Choices (see shared/reference/performance.md section 3):

* ``fastmath`` is off everywhere: float32 arithmetic is done in the same
  order as the reference, so most kernels are bit-identical to it.
  ``error_model="numpy"`` removes the divide-by-zero branches that would
  stop LLVM from vectorising the loops.
* numba has no SVML here, so ``np.exp`` is a slow scalar libm call, and a
  lookup table is no better on this kind of VM (data-dependent loads cost
  ~1 ns each).  ``_expf`` is a vectorisable float32 exp (Cephes' polynomial,
  relative error < 1e-7, better than NumPy's own float32 exp), used with
  exactly the reference's formulas for Lenia's growth and SmoothLife's
  sigmoids.
* numba's OpenMP pool busy-waits after every parallel region by default,
  which starves scipy.fft's worker threads on a small machine (10x slower
  kernels).  ``OMP_WAIT_POLICY=passive`` is set (unless the user set it)
  before numba loads its threading layer.

Importing this module raises ImportError when numba is missing; the kernel
loader then keeps the reference implementations.
"""

from __future__ import annotations

import os
import sys

if "numba" not in sys.modules:
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")

try:
    import numba
    from numba import njit, prange, types
    from numba.core import cgutils
    from numba.extending import intrinsic
except ImportError as exc:  # pragma: no cover - exercised only without numba
    raise ImportError(f"numba kernels unavailable: {exc}") from exc

import platform

import numpy as np

from . import fast
from .ref import _into, fit_axes, resize_taps

f32 = np.float32

_JIT = dict(parallel=True, fastmath=False, cache=True, error_model="numpy", nogil=True)
_JIT1 = dict(fastmath=False, cache=True, error_model="numpy", nogil=True)  # serial helpers


def _has_cache(fn) -> bool:
    try:
        return bool(fn._cache._cache_file._load_index())
    except Exception:  # pragma: no cover - numba's cache layout changed: assume cold
        return False


def kernels_cached(engines=()) -> bool:
    """Whether numba's cache on this machine holds compiled kernels for this source: the
    trace every graph runs and, for each engine kind named (``"lenia"``, ``"mnca"``, ...),
    one of that engine's own kernels.

    A render's first frame loads them in a second or two where it holds them, and
    compiles them for up to a minute where it does not (a first run, after an upgrade,
    or the first graph of another engine): the CLI says so only then.  Read from the
    kernels' cache indexes, which numba empties when the source or its version changed.
    """
    if not _has_cache(_advect):
        return False
    own = {name: fn for name, fn in globals().items()
           if name.startswith("_") and hasattr(fn, "_cache")}
    for kind in engines:
        mine = [fn for name, fn in own.items() if kind in name]
        if mine and not any(_has_cache(fn) for fn in mine):
            return False
    return True


def _f32(x) -> np.float32:
    return np.float32(x)


def _out2(out, shape, dtype=f32):
    return np.empty(shape, dtype) if out is None else out


def _c(a):
    """A C-contiguous float32 view/copy (the loops are compiled for 'C' layout)."""
    return np.ascontiguousarray(a, dtype=f32)


# -- a vectorisable float32 exp -----------------------------------------------------------

@intrinsic
def _i32_as_f32(typingctx, x):
    """Reinterpret an int32's bits as a float32 (vectorisable, no memory round trip)."""
    sig = types.float32(types.int32)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.float32))

    return sig, codegen


@intrinsic
def _f32_as_i32(typingctx, x):
    """Reinterpret a float32's bits as an int32 (vectorisable)."""
    sig = types.int32(types.float32)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.int32))

    return sig, codegen


@njit(**_JIT1)
def _expf(x):
    """exp(x) in float32: Cody-Waite reduction and Cephes' degree-6 polynomial.

    Relative error < 1e-7 over [-87, 88] (NumPy's own float32 exp: < 2e-7);
    the argument is clamped to that range (so exp(-inf) gives ~1e-38, not 0).
    Unlike libm's scalar ``expf`` (numba has no SVML here) it vectorises.
    """
    x = min(max(x, np.float32(-87.0)), np.float32(88.0))
    fx = np.floor(x * np.float32(1.44269504088896341) + np.float32(0.5))
    r = x - fx * np.float32(0.693359375)
    r = r - fx * np.float32(-2.12194440e-4)
    z = r * r
    y = np.float32(1.9875691500e-4)
    y = y * r + np.float32(1.3981999507e-3)
    y = y * r + np.float32(8.3334519073e-3)
    y = y * r + np.float32(4.1665795894e-2)
    y = y * r + np.float32(1.6666665459e-1)
    y = y * r + np.float32(5.0000001201e-1)
    y = y * z + r + np.float32(1.0)
    return y * _i32_as_f32((np.int32(fx) + np.int32(127)) << np.int32(23))


# -- subnormal floats flushed to zero --------------------------------------------------------

_X86 = platform.machine().lower() in ("x86_64", "amd64")


@intrinsic
def _ftz_daz(typingctx, on):
    """Set (``on``) or clear the SSE control register's flush-to-zero and
    denormals-are-zero bits in the calling thread (x86-64 only); returns the register's
    previous value."""
    sig = types.int32(types.boolean)

    def codegen(context, builder, signature, args):
        from llvmlite import ir

        i32 = ir.IntType(32)
        i8p = ir.IntType(8).as_pointer()
        slot = cgutils.alloca_once(builder, i32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p])
        st = cgutils.get_or_insert_function(builder.module, fnty, "llvm.x86.sse.stmxcsr")
        ld = cgutils.get_or_insert_function(builder.module, fnty, "llvm.x86.sse.ldmxcsr")
        p8 = builder.bitcast(slot, i8p)
        builder.call(st, [p8])
        old = builder.load(slot)
        bits = ir.Constant(i32, 0x8040)
        new = builder.select(args[0], builder.or_(old, bits), builder.and_(old, builder.not_(bits)))
        builder.store(new, slot)
        builder.call(ld, [p8])
        return old

    return sig, codegen


if _X86:
    @njit(**_JIT1)
    def _ftz_here(on):
        return _ftz_daz(on)

    @njit(**_JIT)
    def _ftz_team(n):
        out = np.empty(n, np.int32)
        for i in prange(n):
            out[i] = _ftz_daz(True)
        return out


def flush_denormals_here(on: bool = True) -> bool:
    """Flush subnormals to zero (or stop doing so) in the calling thread only (x86-64)."""
    if not _X86:
        return False
    _ftz_here(bool(on))
    return True


def flush_denormals() -> bool:
    """Treat subnormal float32/float64 values as zero, in the calling thread and in the
    threads numba's parallel kernels run on from it (x86-64; elsewhere a no-op).
    Returns whether the calling thread flushed them before.

    Gray-Scott's activator decays exponentially away from its patterns, and after a
    warm-up half of V or more is subnormal (below 1.2e-38): each operation on such a
    value takes microcode assists (tens to hundreds of cycles on x86), which made a
    1024^2 Gray-Scott frame several times slower.  Flushing changes values by less than
    1.2e-38 and is deterministic.  Cheap (one tiny parallel region): the runtime calls it
    before every frame (so a thread pool started later is covered too) and after the frame
    gives the calling thread its own state back (``flush_denormals_here(was)``), so the
    code around a frame (Scope, the test runner, other libraries) keeps IEEE subnormals.
    numba's worker threads, which run only compiled kernels, keep flushing: frames running
    at once in several threads (the editor's preview and thumbnails) then all flush alike.
    """
    if not _X86:
        return False
    was = _ftz_here(True)
    # static shares (chunk size 0), so every worker thread takes some of the iterations
    with numba.parallel_chunksize(0):
        _ftz_team(4 * numba.get_num_threads())
    return (int(was) & 0x8040) == 0x8040


# -- a frame's thread state ------------------------------------------------------------------

#: rows a parallel kernel's thread takes at a time during a frame.  numba's default gives
#: each thread one equal share; when another thread of the process (the editor's UI, a
#: thumbnail) takes a core for a moment, the kernel then waits for the share that lost its
#: core, while the other thread sleeps.  With chunks, the thread that keeps its core takes
#: more of them.  Every parallel loop writes whole rows of its own (row partials are
#: summed afterwards in row order), so frames do not depend on which thread ran which
#: rows.  8 rows: amoeba at 1024 beside a thread busy 15 % of the time, 53 -> 45 ms a
#: frame; alone, no slower (``benchmarks/row_chunks_ab.py``).
ROW_CHUNK = 8


def begin_frame() -> tuple[bool, int]:
    """The calling thread's state for a frame's kernels: subnormals flushed to zero (see
    :func:`flush_denormals`) and parallel loops taken :data:`ROW_CHUNK` rows at a time.
    Returns what :func:`end_frame` needs to give the thread its own state back."""
    ftz_was = flush_denormals()
    chunk_was = numba.set_parallel_chunksize(ROW_CHUNK)
    return ftz_was, chunk_was


def end_frame(was: tuple[bool, int]) -> None:
    """The calling thread's state as it was before :func:`begin_frame`."""
    flush_denormals_here(was[0])
    numba.set_parallel_chunksize(was[1])


# -- transport -------------------------------------------------------------------------------

_INF_BITS = np.int32(0x7F800000)


@njit(**_JIT)
def _row_spans(src, spans):
    """``spans[r] = (first, last)`` non-zero column of row ``r`` of ``src``, (-1, -1) for
    a row of zeros (a NaN counts as non-zero).  Integer min / max reductions over the
    whole row, which vectorise (an early-exit search does not)."""
    h, w = src.shape
    for r in prange(h):
        row = src[r]
        lo = np.int32(w)
        hi = np.int32(-1)
        for j in range(w):
            nz = (_f32_as_i32(row[j]) & np.int32(0x7FFFFFFF)) != 0  # -0.0 is a zero too
            lo = min(lo, np.int32(j) if nz else np.int32(w))
            hi = max(hi, np.int32(j) if nz else np.int32(-1))
        spans[r, 0] = lo if hi >= 0 else -1
        spans[r, 1] = hi


@njit(**_JIT1)
def _live_columns(spans, i, h, w, scale, vymin, vymax, vxmin, vxmax):
    """The columns [j0, j1) of output row ``i`` whose backward trace can reach a non-zero
    source pixel (from the source rows' ``spans`` and the row's velocity bounds); every
    other pixel of the row traces to four zeros, so it is exactly 0.  (0, w) whenever the
    trace may wrap across the left or right edge, or the bounds are not finite."""
    s1, s2 = scale * vymin, scale * vymax
    symin, symax = min(s1, s2), max(s1, s2)
    s1, s2 = scale * vxmin, scale * vxmax
    sxmin, sxmax = min(s1, s2), max(s1, s2)
    if not (np.isfinite(symin) and np.isfinite(symax) and np.isfinite(sxmin)
            and np.isfinite(sxmax)) or symax - symin > h or sxmax - sxmin > w:
        return 0, w
    ra = int(np.floor(np.float32(i) - symax)) - 1
    rb = int(np.floor(np.float32(i) - symin)) + 2
    lo, hi = w, -1
    for r in range(ra, rb + 1):
        rr = r % h
        if spans[rr, 0] >= 0:
            lo = min(lo, spans[rr, 0])
            hi = max(hi, spans[rr, 1])
    if hi < 0:
        return 0, 0
    j0 = int(np.floor(np.float32(lo) + sxmin)) - 2
    j1 = int(np.ceil(np.float32(hi) + sxmax)) + 3
    if j0 <= 0 or j1 >= w:
        return 0, w
    return j0, j1


@njit(**_JIT)
def _advect(src, vy, vx, scale, out, spans, use_spans, cols):
    h, w = src.shape
    one = np.float32(1.0)
    zero = np.float32(0.0)
    # displacement bounds under which one select-wrap per axis is enough
    lim_y = np.float32(h - 2) / abs(scale) if scale != 0 else np.float32(np.inf)
    lim_x = np.float32(w - 2) / abs(scale) if scale != 0 else np.float32(np.inf)
    for i in prange(h):
        fi = np.float32(i)
        # a row whose displacements all stay under a period (always, in practice) takes
        # the loop without the modulo fallback, which LLVM vectorises; any other row (or
        # a NaN velocity) the general one.  Both give the same numbers where both apply
        # the row's largest |vy| and |vx|, as the integer maximum of their bits without
        # the sign (a vectorised reduction; a NaN's bits exceed infinity's, so it fails)
        by = np.int32(0)
        bx = np.int32(0)
        for j in range(w):
            by = max(by, _f32_as_i32(vy[i, j]) & np.int32(0x7FFFFFFF))
            bx = max(bx, _f32_as_i32(vx[i, j]) & np.int32(0x7FFFFFFF))
        ay = _i32_as_f32(by)
        ax = _i32_as_f32(bx)
        nbad = 0 if (by <= _INF_BITS and bx <= _INF_BITS and ay <= lim_y
                     and ax <= lim_x) else 1
        j0, j1 = 0, w
        if use_spans:
            # with the source's non-zero spans: only the columns that can trace to a
            # non-zero pixel are computed, the rest are 0 (bitwise what the trace gives)
            if nbad == 0:
                j0, j1 = _live_columns(spans, i, h, w, scale, -ay, ay, -ax, ax)
            for j in range(0, j0):
                out[i, j] = zero
            for j in range(max(j0, j1), w):
                out[i, j] = zero
            cols[i, 0] = j0
            cols[i, 1] = j1
        if nbad == 0:
            for j in range(j0, j1):
                y = fi - scale * vy[i, j]
                x = np.float32(j) - scale * vx[i, j]
                y0 = np.floor(y)
                x0 = np.floor(x)
                fy = y - y0
                fx = x - x0
                iy0 = np.int32(y0)
                ix0 = np.int32(x0)
                iy0 = iy0 + h if iy0 < 0 else iy0
                iy0 = iy0 - h if iy0 >= h else iy0
                ix0 = ix0 + w if ix0 < 0 else ix0
                ix0 = ix0 - w if ix0 >= w else ix0
                iy1 = iy0 + 1
                iy1 = 0 if iy1 == h else iy1
                ix1 = ix0 + 1
                ix1 = 0 if ix1 == w else ix1
                top = src[iy0, ix0] * (one - fx) + src[iy0, ix1] * fx
                bot = src[iy1, ix0] * (one - fx) + src[iy1, ix1] * fx
                out[i, j] = top * (one - fy) + bot * fy
        else:
            for j in range(w):
                y = fi - scale * vy[i, j]
                x = np.float32(j) - scale * vx[i, j]
                y0 = np.floor(y)
                x0 = np.floor(x)
                fy = y - y0
                fx = x - x0
                iy0 = np.intp(y0)
                ix0 = np.intp(x0)
                # wrap by one period without a division (selects), the rest by modulo
                iy0 = iy0 + h if iy0 < 0 else iy0
                iy0 = iy0 - h if iy0 >= h else iy0
                ix0 = ix0 + w if ix0 < 0 else ix0
                ix0 = ix0 - w if ix0 >= w else ix0
                if iy0 < 0 or iy0 >= h or ix0 < 0 or ix0 >= w:  # traced over a period away
                    iy0 = iy0 % h
                    ix0 = ix0 % w
                iy1 = iy0 + 1
                iy1 = 0 if iy1 == h else iy1
                ix1 = ix0 + 1
                ix1 = 0 if ix1 == w else ix1
                top = src[iy0, ix0] * (one - fx) + src[iy0, ix1] * fx
                bot = src[iy1, ix0] * (one - fx) + src[iy1, ix1] * fx
                out[i, j] = top * (one - fy) + bot * fy


_NO_SPANS = np.zeros((1, 2), np.int32)


@fast("numba")
def advect(src, vel, scale, out=None):
    """Semi-Lagrangian backward trace on a torus (see ``ref.advect``)."""
    src = _c(src)
    vel = _c(vel)
    res = _out2(out, src.shape)
    if res is src or np.shares_memory(res, src):
        tmp = np.empty_like(src)
        _advect(src, vel[0], vel[1], _f32(scale), tmp, _NO_SPANS, False, _NO_SPANS)
        res[...] = tmp
        return res
    _advect(src, vel[0], vel[1], _f32(scale), res, _NO_SPANS, False, _NO_SPANS)
    return res


@njit(**_JIT)
def _advect_lattice(src, vy, vx, k, inv, out, spans, use_spans, cols):
    h, w = src.shape
    one = np.float32(1)
    zero = np.float32(0)
    flat = src.ravel()
    h32, w32, k32 = np.int32(h), np.int32(w), np.int32(k)
    for i in prange(h):
        i32 = np.int32(i)
        j0, j1 = 0, w
        # the row's largest |vy| and |vx| (as _advect) plus a lattice step: how far a tap
        # can lie from its pixel
        by = np.int32(0)
        bx = np.int32(0)
        for j in range(w):
            by = max(by, _f32_as_i32(vy[i, j]) & np.int32(0x7FFFFFFF))
            bx = max(bx, _f32_as_i32(vx[i, j]) & np.int32(0x7FFFFFFF))
        ay = _i32_as_f32(by) + np.float32(k)
        ax = _i32_as_f32(bx) + np.float32(k)
        if use_spans:
            # as _advect: only the columns that can trace to a non-zero pixel, the rest
            # are exactly 0
            j0, j1 = _live_columns(spans, i, h, w, np.float32(1), -ay, ay, -ax, ax)
            for j in range(0, j0):
                out[i, j] = zero
            for j in range(max(j0, j1), w):
                out[i, j] = zero
            cols[i, 0] = j0
            cols[i, 1] = j1
        for j in range(j0, j1):
            ty = -vy[i, j] * inv
            tx = -vx[i, j] * inv
            y0 = np.floor(ty)
            x0 = np.floor(tx)
            fy = ty - y0
            fx = tx - x0
            iy0 = i32 + k32 * np.int32(y0)
            ix0 = np.int32(j) + k32 * np.int32(x0)
            # wrap by one period without a division (selects), the rest by modulo
            iy0 = iy0 + h32 if iy0 < 0 else iy0
            iy0 = iy0 - h32 if iy0 >= h32 else iy0
            ix0 = ix0 + w32 if ix0 < 0 else ix0
            ix0 = ix0 - w32 if ix0 >= w32 else ix0
            if iy0 < 0 or iy0 >= h32 or ix0 < 0 or ix0 >= w32:  # traced over a period away
                iy0 = iy0 % h32
                ix0 = ix0 % w32
            iy1 = iy0 + k32
            iy1 = iy1 - h32 if iy1 >= h32 else iy1
            ix1 = ix0 + k32
            ix1 = ix1 - w32 if ix1 >= w32 else ix1
            # 32-bit indices, unsigned flat offsets: no negative-index handling
            r0, r1 = np.uint32(iy0 * w32), np.uint32(iy1 * w32)
            top = flat[r0 + np.uint32(ix0)] * (one - fx) + flat[r0 + np.uint32(ix1)] * fx
            bot = flat[r1 + np.uint32(ix0)] * (one - fx) + flat[r1 + np.uint32(ix1)] * fx
            out[i, j] = top * (one - fy) + bot * fy


@fast("numba")
def advect_lattice(src, vel, k, out=None):
    """:func:`advect` between pixels ``k`` apart (see ``ref.advect_lattice``)."""
    src = _c(src)
    vel = _c(vel)
    res = _out2(out, src.shape)
    if res is src or np.shares_memory(res, src):
        raise ValueError("advect_lattice cannot write over its source")
    _advect_lattice(src, vel[0], vel[1], np.intp(k), np.float32(1.0 / int(k)), res,
                    _NO_SPANS, False, _NO_SPANS)
    return res


@fast("numba")
def advect_lattice_post(src, vel, k, out, prev, mask, noise, oy1, ox1, oy2, ox2, centre, stir_x,
                        stir_y, cos_s, sin_s, vel_amp, gate, still):
    """:func:`advect_lattice` into ``out`` then the post step on it (see
    ``ref.advect_lattice_post``), skipping the pixels that trace only to zeros as
    :func:`advect_post` does."""
    return _trace_post(
        lambda src, vel, out, spans, use, cols: _advect_lattice(
            src, vel[0], vel[1], np.intp(k), np.float32(1.0 / int(k)), out, spans, use, cols),
        lambda: advect_lattice(src, vel, k, out=out),
        src, vel, out, prev, (mask, noise, oy1, ox1, oy2, ox2, centre, stir_x, stir_y, cos_s,
                              sin_s, vel_amp, gate, still))


# -- engine rules ---------------------------------------------------------------------------

@njit(**_JIT)
def _lenia_growth(U, A, mu, sigma, dt, out):
    h, w = A.shape
    zero, one, two, mhalf = np.float32(0), np.float32(1), np.float32(2), np.float32(-0.5)
    for i in prange(h):
        for j in range(w):
            z = (U[i, j] - mu) / sigma
            g = two * _expf(mhalf * z * z) - one
            v = A[i, j] + dt * g
            out[i, j] = min(max(v, zero), one)


@fast("numba")
def lenia_growth(U, A, mu, sigma, dt, out=None):
    """``out = clip(A + dt * (2 exp(-((U-mu)/sigma)^2 / 2) - 1), 0, 1)``."""
    out = _out2(out, A.shape)
    _lenia_growth(_c(U), _c(A), _f32(mu), _f32(sigma), _f32(dt), out)
    return out


@njit(**_JIT1)
def _sig(x, a, alpha):
    """1 / (1 + exp(-(x - a) / alpha)), as ``ref._sig``."""
    return np.float32(1) / (np.float32(1) + _expf(-(x - a) / alpha))


@njit(**_JIT)
def _smoothlife_rule(n, m, A, b1, b2, d1, d2, an, am, dt, out):
    h, w = A.shape
    zero, one, two, mid = np.float32(0), np.float32(1), np.float32(2), np.float32(0.5)
    for i in prange(h):
        for j in range(w):
            nv = n[i, j]
            sm = _sig(m[i, j], mid, am)
            birth = _sig(nv, b1, an) * (one - _sig(nv, b2, an))
            death = _sig(nv, d1, an) * (one - _sig(nv, d2, an))
            s = birth * (one - sm) + death * sm
            v = A[i, j] + dt * (two * s - one)
            out[i, j] = min(max(v, zero), one)


@fast("numba")
def smoothlife_rule(n, m, A, b1, b2, d1, d2, alpha_n, alpha_m, dt, out=None):
    """SmoothLife transition S(n, m) and the smooth step ``A + dt (2S - 1)``."""
    out = _out2(out, A.shape)
    _smoothlife_rule(_c(n), _c(m), _c(A), _f32(b1), _f32(b2), _f32(d1), _f32(d2),
                     _f32(alpha_n), _f32(alpha_m), _f32(dt), out)
    return out


@njit(**_JIT)
def _mnca_update(pots, A, lows, highs, delta, out):
    k = pots.shape[0]
    h, w = A.shape
    zero, one = np.float32(0), np.float32(1)
    for i in prange(h):
        inc = np.zeros(w, np.float32)  # votes summed ring by ring, as the reference
        for r in range(k):
            p = pots[r, i]
            lo = lows[r]
            hi = highs[r]
            for j in range(w):
                inside = (p[j] >= lo) & (p[j] <= hi)
                inc[j] += delta if inside else -delta
        a = A[i]
        o = out[i]
        for j in range(w):
            o[j] = min(max(a[j] + inc[j], zero), one)


@fast("numba")
def mnca_update(pots, A, lows, highs, delta, out=None):
    """Vote sum over rings: each ring adds +delta inside [low, high], else -delta."""
    out = _out2(out, A.shape)
    k = pots.shape[0]
    lo = np.asarray([float(v) for v in lows[:k]], f32)
    hi = np.asarray([float(v) for v in highs[:k]], f32)
    _mnca_update(_c(pots), _c(A), lo, hi, _f32(delta), out)
    return out


@njit(**_JIT)
def _spectral_mul_real(F2, K, out2):
    """out2[r] = F2 * K[r] per bin: F2 and out2 are complex64 rows seen as float32 pairs."""
    k, h, w = K.shape
    for i in prange(h):
        f = F2[i]
        for r in range(k):
            kr = K[r, i]
            o = out2[r, i]
            for j in range(w):
                x = kr[j]
                o[2 * j] = f[2 * j] * x
                o[2 * j + 1] = f[2 * j + 1] * x


@fast("numba")
def spectral_mul(F, K, out=None):
    """``out = K * F`` (see ``ref.spectral_mul``): a real float32 ``K`` (a symmetric kernel's
    spectrum) in one compiled pass of two products per bin; a complex one as NumPy does."""
    ok = (K.dtype == f32 and F.dtype == np.complex64 and F.ndim == 2
          and K.shape[-2:] == F.shape and K.flags.c_contiguous and F.flags.c_contiguous
          and (out is None or (out.shape == K.shape and out.dtype == np.complex64
                               and out.flags.c_contiguous)))
    if not ok:
        from .ref import spectral_mul as ref_spectral_mul

        return ref_spectral_mul(F, K, out=out)
    if out is None:
        out = np.empty(K.shape, np.complex64)
    K3 = K.reshape(-1, *F.shape)
    tmp = None
    if np.shares_memory(out, F) and K3.shape[0] > 1:  # (in place only for one kernel)
        tmp, out = out, np.empty(K.shape, np.complex64)
    h, w = F.shape
    _spectral_mul_real(F.view(f32), K3, out.reshape(-1, h, w).view(f32))
    if tmp is not None:
        tmp[...] = out
        out = tmp
    return out


@njit(**_JIT)
def _grayscott(U, V, feed, feed_gain, kill, du, dv, dt, out_u, out_v):
    # du, dv, kill arrive multiplied by dt (ref.grayscott_step's products); dt = 1 makes
    # every "* dt" exact, so that step is the dt-free step bit for bit
    h, w = U.shape
    zero, one = np.float32(0), np.float32(1)
    c1, c2 = np.float32(0.2), np.float32(0.05)
    for i in prange(h):
        im = i - 1 if i > 0 else h - 1
        ip = i + 1 if i < h - 1 else 0
        u, uu, ud, v, vu, vd = U[i], U[im], U[ip], V[i], V[im], V[ip]
        fr, ou, ov = feed[i], out_u[i], out_v[i]
        # interior columns, then the two wrapped edge columns with the same body;
        # sums in ref._lap9's order: rolls (+1,0), (-1,0), (0,+1), (0,-1)
        for j in range(1, w - 1):
            x = u[j]
            y = v[j]
            lu = (c1 * (((uu[j] + ud[j]) + u[j - 1]) + u[j + 1])
                  + c2 * (((uu[j - 1] + uu[j + 1]) + ud[j - 1]) + ud[j + 1])) - x
            lv = (c1 * (((vu[j] + vd[j]) + v[j - 1]) + v[j + 1])
                  + c2 * (((vu[j - 1] + vu[j + 1]) + vd[j - 1]) + vd[j + 1])) - y
            uvv = ((x * y) * y) * dt
            f = (fr[j] * feed_gain) * dt
            nu = ((x + du * lu) - uvv) + f * (one - x)
            nv = ((y + dv * lv) + uvv) - (f + kill) * y
            ou[j] = min(max(nu, zero), one)
            ov[j] = min(max(nv, zero), one)
        for j in (0, w - 1):
            jm = j - 1 if j > 0 else w - 1
            jp = j + 1 if j < w - 1 else 0
            x = u[j]
            y = v[j]
            lu = (c1 * (((uu[j] + ud[j]) + u[jm]) + u[jp])
                  + c2 * (((uu[jm] + uu[jp]) + ud[jm]) + ud[jp])) - x
            lv = (c1 * (((vu[j] + vd[j]) + v[jm]) + v[jp])
                  + c2 * (((vu[jm] + vu[jp]) + vd[jm]) + vd[jp])) - y
            uvv = ((x * y) * y) * dt
            f = (fr[j] * feed_gain) * dt
            nu = ((x + du * lu) - uvv) + f * (one - x)
            nv = ((y + dv * lv) + uvv) - (f + kill) * y
            ou[j] = min(max(nu, zero), one)
            ov[j] = min(max(nv, zero), one)


@fast("numba")
def grayscott_step(U, V, feed, kill, du, dv, out_u=None, out_v=None, feed_gain=1.0, dt=1.0):
    """One explicit Euler step of length ``dt`` of Gray-Scott with a 9-point periodic
    Laplacian; feed rate ``feed * feed_gain`` (or ``feed_gain`` where ``feed`` is None)."""
    out_u = _out2(out_u, U.shape)
    out_v = _out2(out_v, V.shape)
    if feed is None:  # feed_gain everywhere: 1 * gain is exact
        feed = np.broadcast_to(np.ones((1, U.shape[1]), f32), U.shape)
    else:
        feed = np.broadcast_to(np.asarray(feed, f32), U.shape)
        if feed.strides != (4 * U.shape[1], 4):
            feed = np.ascontiguousarray(feed)
    t = _f32(dt)
    _grayscott(_c(U), _c(V), feed, _f32(feed_gain), _f32(kill) * t, _f32(du) * t,
               _f32(dv) * t, t, out_u, out_v)
    return out_u, out_v


# -- life support ---------------------------------------------------------------------------

@njit(**_JIT)
def _post_step(A, prev, mask, has_mask, noise, oy1, ox1, oy2, ox2, centre, has_centre,
               stir_x, stir_y, has_stir, cos_s, sin_s, vel_amp, has_vel, gate, still,
               cols, use_cols):
    h, w = A.shape
    zero, one = np.float32(0), np.float32(1)
    for i in prange(h):
        # with ``cols`` (advect_post): outside [j0, j1) A is 0 and stays 0 (0 * mask, and
        # nothing is added at or below the gate), so prev there becomes 0 too
        j0, j1 = (cols[i, 0], cols[i, 1]) if use_cols else (0, w)
        if j1 <= j0:
            j0, j1 = w, w
        for j in range(0, j0):
            prev[i, j] = zero
        for j in range(j1, w):
            prev[i, j] = zero
        live = j1 > j0
        r1 = i - oy1
        r1 = r1 + h if r1 < 0 else r1
        r2 = i - oy2
        r2 = r2 + h if r2 < 0 else r2
        a_, p_, m_, c_, sx, sy = A[i], prev[i], mask[i % mask.shape[0]], \
            centre[i % centre.shape[0]], stir_x[i % stir_x.shape[0]], stir_y[i % stir_y.shape[0]]
        # the two rolled noise rows, made contiguous so that the loop vectorises
        n1 = np.empty(w, np.float32)
        n2 = np.empty(w, np.float32)
        if live:
            s1 = noise[r1]
            s2 = noise[r2]
            n1[ox1:] = s1[:w - ox1]
            n1[:ox1] = s1[w - ox1:]
            n2[ox2:] = s2[:w - ox2]
            n2[:ox2] = s2[w - ox2:]
        # zero-based slices of [j0, j1): with the offset the loop did not vectorise
        if j1 <= j0:
            continue
        if has_mask:
            m_ = m_[j0:j1]
        if has_centre:
            c_ = c_[j0:j1]
        if has_stir:
            sx, sy = sx[j0:j1], sy[j0:j1]
        a_, p_, n1, n2 = a_[j0:j1], p_[j0:j1], n1[j0:j1], n2[j0:j1]
        for j in range(j1 - j0):
            a = a_[j]
            if has_mask:
                a = a * m_[j]
            old = p_[j]
            p_[j] = a
            add = zero
            if has_vel:
                add = vel_amp * n1[j] if abs(a - old) < still else zero
            if has_centre:
                add = add + c_[j] * n2[j]
            if has_stir:
                add = add + (cos_s * sx[j] + sin_s * sy[j])
            a = a + add if a > gate else a
            a_[j] = min(max(a, zero), one)


_DUMMY = np.zeros((1, 1), f32)


@fast("numba")
def post_step(A, prev, mask, noise, oy1, ox1, oy2, ox2, centre, stir_x, stir_y, cos_s, sin_s,
              vel_amp, gate, still):
    """Containment then perturbation, in place on ``A`` (see ``ref.post_step``)."""
    if not (A.flags.c_contiguous and prev.flags.c_contiguous and A.dtype == f32
            and prev.dtype == f32):
        from .ref import post_step as ref_post_step

        return ref_post_step(A, prev, mask, noise, oy1, ox1, oy2, ox2, centre, stir_x, stir_y,
                             cos_s, sin_s, vel_amp, gate, still)
    _post_step(A, prev, *_post_args(A, mask, noise, oy1, ox1, oy2, ox2, centre, stir_x,
                                    stir_y, cos_s, sin_s, vel_amp, gate, still),
               _NO_SPANS, False)
    return A


def _post_args(A, mask, noise, oy1, ox1, oy2, ox2, centre, stir_x, stir_y, cos_s, sin_s,
               vel_amp, gate, still):
    h, w = A.shape
    has_stir = stir_x is not None
    return (_DUMMY if mask is None else _c(mask), mask is not None, _c(noise),
            int(oy1) % h, int(ox1) % w, int(oy2) % h, int(ox2) % w,
            _DUMMY if centre is None else _c(centre), centre is not None,
            _c(stir_x) if has_stir else _DUMMY, _c(stir_y) if has_stir else _DUMMY,
            has_stir, _f32(cos_s), _f32(sin_s), _f32(vel_amp), vel_amp != 0, _f32(gate),
            _f32(still))


@fast("numba")
def advect_post(src, vel, scale, out, prev, mask, noise, oy1, ox1, oy2, ox2, centre, stir_x,
                stir_y, cos_s, sin_s, vel_amp, gate, still):
    """Advection into ``out`` then the post step on it (see ``ref.advect_post``): on the CPU
    the two compiled passes one after the other (one fused numba loop measured 2x slower
    than the two: the combined body no longer vectorises).

    Both skip the pixels that trace only to zeros: an organism on black leaves most of
    the grid exactly 0 (amoeba at 1024: ~35 % of the pixels lie within a row's non-zero
    span), and such a pixel is 0 after the trace, the containment and the perturbation
    (which acts only above the density gate, never negative), its ``prev`` too.  The
    rows' non-zero spans are found in one pass over ``src``; the frames are the full
    computation's, bitwise."""
    return _trace_post(
        lambda src, vel, out, spans, use, cols: _advect(src, vel[0], vel[1], _f32(scale), out,
                                                        spans, use, cols),
        lambda: advect(src, vel, scale, out=out),
        src, vel, out, prev, (mask, noise, oy1, ox1, oy2, ox2, centre, stir_x, stir_y, cos_s,
                              sin_s, vel_amp, gate, still))


def _trace_post(trace, unfused, src, vel, out, prev, post):
    """A trace into ``out``, then the post step (arguments ``post``) on it, both skipping
    the pixels that trace only to zeros (advect_post, advect_lattice_post).
    ``trace(src, vel, out, spans, True, cols)`` runs the compiled trace; ``unfused()`` the
    plain one, where the arrays do not allow the fused passes."""
    src, vel = _c(src), _c(vel)
    gate = post[-2]
    if not (gate >= 0 and src.dtype == f32 and out.flags.c_contiguous and prev.flags.c_contiguous
            and out.dtype == f32 and prev.dtype == f32 and out.shape == src.shape
            and not np.shares_memory(out, src)):
        unfused()
        return post_step(out, prev, *post)
    h = src.shape[0]
    spans = np.empty((h, 2), np.int32)
    cols = np.empty((h, 2), np.int32)
    _row_spans(src, spans)
    trace(src, vel, out, spans, True, cols)
    _post_step(out, prev, *_post_args(out, *post), cols, True)
    return out


# -- colour -------------------------------------------------------------------------------

@njit(**_JIT1)
def _logf(x):
    """log(x) in float32 for x > 0 (Cephes' logf: frexp by bits, degree-8 polynomial)."""
    tiny = x < np.float32(1.17549435e-38)  # subnormal: scale into the normal range
    x = x * np.float32(16777216.0) if tiny else x
    bits = _f32_as_i32(x)
    e = np.float32(((bits >> np.int32(23)) & np.int32(0xFF)) - np.int32(126))
    e = e - np.float32(24) if tiny else e
    m = _i32_as_f32((bits & np.int32(-2139095041)) | np.int32(0x3F000000))  # in [0.5, 1)
    low = m < np.float32(0.707106781186547524)
    e = e - np.float32(1) if low else e
    m = (m + m - np.float32(1)) if low else (m - np.float32(1))
    z = m * m
    y = np.float32(7.0376836292e-2)
    y = y * m - np.float32(1.1514610310e-1)
    y = y * m + np.float32(1.1676998740e-1)
    y = y * m - np.float32(1.2420140846e-1)
    y = y * m + np.float32(1.4249322787e-1)
    y = y * m - np.float32(1.6668057665e-1)
    y = y * m + np.float32(2.0000714765e-1)
    y = y * m - np.float32(2.4999993993e-1)
    y = y * m + np.float32(3.3333331174e-1)
    y = y * m * z
    y = y + np.float32(-2.12194440e-4) * e
    y = y - np.float32(0.5) * z
    return (m + y) + np.float32(0.693359375) * e


@njit(**_JIT)
def _power(x, p, out):
    h, w = x.shape
    zero = np.float32(0)
    at_zero = zero if p > zero else (np.float32(1) if p == zero else np.float32(np.inf))
    for i in prange(h):
        r = x[i]
        o = out[i]
        for j in range(w):
            v = r[j]
            y = _expf(p * _logf(v)) if v > zero else zero
            o[j] = at_zero if v <= zero else y  # max(x, 0) ** p, as ref.power


@fast("numba")
def power(x, p, out=None):
    """``out = max(x, 0) ** p`` in float32 (vectorised log/exp; relative error ~1e-6)."""
    x = _c(x)
    out = _out2(out, x.shape)
    x2 = x.reshape(x.shape[0], -1) if x.ndim != 2 else x
    _power(x2, _f32(p), out.reshape(x2.shape))
    return out



@njit(**_JIT)
def _signals(W, Wp, zones, has_zones, wd, wv, we, inv_d, inv_v, inv_e, out_t, out_a, rowmax,
             keep, s):
    h, w = W.shape
    zero, one = np.float32(0), np.float32(1)
    # the columns whose taps j - s and j + s stay on the row (none on a row of 2 s or fewer)
    lo = min(s, w)
    hi = max(lo, w - s)
    for i in prange(h):
        im = (i - s) % h
        ip = (i + s) % h
        ev = np.empty(w, np.float32)
        vv = np.empty(w, np.float32)
        r, ru, rd, rp = W[i], W[im], W[ip], Wp[i]
        z = zones[i] if has_zones else zones[0]
        ot, oa = out_t[i], out_a[i]
        # Row views and an interior without wrap-around, as slices from 0 (a loop over
        # an offset range stays scalar), let LLVM vectorise this loop; the edge
        # columns follow with the same body (numba's IR inlining is avoided on
        # purpose: it miscompiled such helpers here).
        rc, rl, rr = r[lo:hi], r[lo - s:hi - s], r[lo + s:hi + s]
        uc, dc, pc = ru[lo:hi], rd[lo:hi], rp[lo:hi]
        zc = z[lo:hi] if has_zones else z
        tc, ac, ec, vc = ot[lo:hi], oa[lo:hi], ev[lo:hi], vv[lo:hi]
        for c in range(hi - lo):
            x = rc[c]
            gx = rl[c] - rr[c]
            gy = uc[c] - dc[c]
            e = np.sqrt(gx * gx + gy * gy)
            vel = abs(x - pc[c])
            t = ((wd * x) * inv_d + (wv * vel) * inv_v) + (we * e) * inv_e
            if has_zones:
                t = t + zc[c]
            tc[c] = t - np.floor(t)
            ac[c] = min(max(x * inv_d, zero), one)
            ec[c] = e
            vc[c] = vel
            if keep:
                pc[c] = x  # the field for the next frame's velocity (only row i reads it)
        for c in range(w - (hi - lo)):
            j = c if c < lo else hi + (c - lo)
            jm = (j - s) % w
            jp = (j + s) % w
            x = r[j]
            gx = r[jm] - r[jp]
            gy = ru[j] - rd[j]
            e = np.sqrt(gx * gx + gy * gy)
            vel = abs(x - rp[j])
            t = ((wd * x) * inv_d + (wv * vel) * inv_v) + (we * e) * inv_e
            if has_zones:
                t = t + z[j]
            ot[j] = t - np.floor(t)
            oa[j] = min(max(x * inv_d, zero), one)
            ev[j] = e
            vv[j] = vel
            if keep:
                rp[j] = x  # the field for the next frame's velocity (only row i reads it)
        # the row maxima on the values' bits: for floats >= +0 the IEEE order is the
        # int32 order, and an integer max vectorises (a float one does not without
        # fast-math: 4x quicker); a row with no value >= +0 takes the float loop
        ri, vi, ei = r.view(np.int32), vv.view(np.int32), ev.view(np.int32)
        bw = np.int32(-2147483648)
        bv = np.int32(-2147483648)
        be = np.int32(-2147483648)
        for j in range(w):
            bw = max(bw, ri[j])
            bv = max(bv, vi[j])
            be = max(be, ei[j])
        if bw >= 0 and bv >= 0 and be >= 0:
            rowmax[i, 0] = _i32_as_f32(bw)
            rowmax[i, 1] = _i32_as_f32(bv)
            rowmax[i, 2] = _i32_as_f32(be)
        else:
            mw = np.float32(-np.inf)
            mv = np.float32(-np.inf)
            me = np.float32(-np.inf)
            for j in range(w):
                mw = max(mw, r[j])
                mv = max(mv, vv[j])
                me = max(me, ev[j])
            rowmax[i, 0] = mw
            rowmax[i, 1] = mv
            rowmax[i, 2] = me


@fast("numba")
def signals(W, Wprev, zones, wd, wv, we, inv_d, inv_v, inv_e, out_t=None, out_a=None,
            keep_prev=False, spacing=1):
    """Colour parameter t and alpha from density, frame velocity and edges (see ref; the
    edges between the pixels ``spacing`` px either side); ``keep_prev``: ``Wprev`` takes
    ``W``'s values in the same pass."""
    W = _c(W)
    out_t = _out2(out_t, W.shape)
    out_a = _out2(out_a, W.shape)
    rowmax = np.empty((W.shape[0], 3), f32)
    prev = _c(Wprev)
    keep = bool(keep_prev)
    if keep and not (prev is Wprev and prev.shape == W.shape):
        keep = False  # not writable in place: copy after the pass
    _signals(W, prev, _DUMMY if zones is None else _c(zones), zones is not None,
             _f32(wd), _f32(wv), _f32(we), _f32(inv_d), _f32(inv_v), _f32(inv_e),
             out_t, out_a, rowmax, keep, int(spacing))
    if keep_prev and not keep:
        Wprev[...] = W
    m = rowmax.max(axis=0)
    return out_t, out_a, m[0], m[1], m[2]


@njit(**_JIT)
def _palette_map(t, a, lut, alut, out, skip_zeros):
    h, w = t.shape
    n = lut.shape[0]
    m = alut.shape[0]
    fn = np.float32(n)
    fm = np.float32(m - 1)
    zero, one, half = np.float32(0), np.float32(1), np.float32(0.5)
    lf = lut.ravel()
    for i in prange(h):
        tr = t[i]
        ar = a[i]
        o = out[i].ravel()
        j0, j1 = 0, w
        if skip_zeros:
            # alpha 0 reads alut[0] = 0: black whatever t is.  Only the row's span of
            # non-zero alpha is mapped (an organism on black: most of the frame)
            bits = ar.view(np.int32)
            lo = np.int32(w)
            hi = np.int32(-1)
            for j in range(w):
                nz = (bits[j] & np.int32(0x7FFFFFFF)) != 0
                lo = min(lo, np.int32(j) if nz else np.int32(w))
                hi = max(hi, np.int32(j) if nz else np.int32(-1))
            j0, j1 = (lo, hi + 1) if hi >= 0 else (w, w)
            for q in range(3 * j0):
                o[q] = zero
            for q in range(3 * j1, 3 * w):
                o[q] = zero
        for j in range(j0, j1):
            # the reference's indices: clamped to the table as floats, then truncated
            # (a NaN fails "> 0" and reads entry 0)
            tv = tr[j] * fn
            k = np.int32(min(tv, fn - one)) if tv > zero else np.int32(0)
            av = ar[j] * fm + half
            q = np.int32(min(av, fm)) if av > zero else np.int32(0)
            x = alut[np.uint32(q)]
            b = np.uint32(k * 3)
            o[3 * j] = min(max(lf[b] * x, zero), one)
            o[3 * j + 1] = min(max(lf[b + np.uint32(1)] * x, zero), one)
            o[3 * j + 2] = min(max(lf[b + np.uint32(2)] * x, zero), one)


@fast("numba")
def palette_map(t, a, lut, alut, out=None):
    """RGB = clip(lut[t] * alut[a], 0, 1) (nearest entries; see ``ref.palette_map``)."""
    out = _out2(out, (*t.shape, 3))
    lut, alut = _c(lut), _c(alut)
    # where alpha is 0 the colour is lut[t] * alut[0]: 0 when that entry is 0 and the
    # palette finite (then clip(x * 0) = 0), so those pixels are only written
    skip = bool(alut[0] == 0 and np.isfinite(lut).all())
    _palette_map(_c(t), _c(a), lut, alut, out, skip)
    return out


@njit(**_JIT)
def _downsample(img, f, ch, out):
    """img (H, W*ch) -> out (H/f, W/f*ch): block sums of f rows, then f columns."""
    hs, n = out.shape
    ws = n // ch
    inv = np.float32(f * f)
    for i in prange(hs):
        acc = img[i * f].copy()
        for dy in range(1, f):
            row = img[i * f + dy]
            for k in range(acc.shape[0]):
                acc[k] += row[k]
        o = out[i]
        for j in range(ws):
            for c in range(ch):
                s = np.float32(0)
                for dx in range(f):
                    s += acc[(j * f + dx) * ch + c]
                o[j * ch + c] = s / inv


@fast("numba")
def downsample_box(img, factor, out=None):
    """Mean over factor x factor blocks (img is (H, W) or (H, W, C))."""
    img = _c(img)
    f = int(factor)
    h, w = img.shape[:2]
    ch = img.shape[2] if img.ndim == 3 else 1
    shape = (h // f, w // f, *img.shape[2:])
    res = out if out is not None and out.flags.c_contiguous else np.empty(shape, f32)
    _downsample(img.reshape(h, w * ch), f, ch, res.reshape(h // f, (w // f) * ch))
    if out is not None and res is not out:
        out[...] = res
        res = out
    return res


_AXES: dict = {}


def _periodic_axis(n_out: int, n_in: int):
    """Bilinear taps for an integer periodic upsample (exactly ``ref.upsample_add``'s)."""
    key = ("p", n_out, n_in)
    hit = _AXES.get(key)
    if hit is None:
        from .ref import lattice_taps

        hit = _AXES[key] = lattice_taps(n_out, n_out // n_in, 0, n_in, n_in)[:3]
    return hit


def _clamped_axis(n_out: int, n_in: int, s: float, off: float):
    """Bilinear taps for a clamped-edge resize (exactly ``ref.resize_bilinear``'s), and the
    band ``[lo, hi)`` of output pixels whose centre falls inside the image."""
    key = ("c", n_out, n_in, s, off)
    hit = _AXES.get(key)
    if hit is None:
        i0, i1, fr, inside = resize_taps(np, n_out, n_in, s, off)
        idx = np.flatnonzero(inside)
        band = (int(idx[0]), int(idx[-1]) + 1) if idx.size else (0, 0)
        hit = _AXES[key] = (i0, i1, fr, band)
    return hit


@njit(**_JIT)
def _hpass(small, x0, x1, fx, rows):
    """rows[r, j, c] = small[r, x0[j], c] (1 - fx[j]) + small[r, x1[j], c] fx[j]."""
    hs, _, ch = small.shape
    w = x0.shape[0]
    one = np.float32(1)
    for r in prange(hs):
        for j in range(w):
            c0 = x0[j]
            c1 = x1[j]
            wx = fx[j]
            for c in range(ch):
                rows[r, j, c] = small[r, c0, c] * (one - wx) + small[r, c1, c] * wx


@njit(**_JIT)
def _vpass(base, has_base, rows, y0, y1, fy, gain, clip, out):
    """out[i] = rows[y0[i]] (1 - fy[i]) + rows[y1[i]] fy[i] (then base + gain * that, clipped)."""
    h, n = out.shape
    zero, one = np.float32(0), np.float32(1)
    for i in prange(h):
        top = rows[y0[i]]
        bot = rows[y1[i]]
        wy = fy[i]
        wy1 = one - wy
        if has_base:
            b = base[i]
            for k in range(n):
                v = b[k] + gain * (top[k] * wy1 + bot[k] * wy)
                out[i, k] = min(max(v, zero), one) if clip else v
        else:
            for k in range(n):
                v = top[k] * wy1 + bot[k] * wy
                out[i, k] = min(max(v, zero), one) if clip else v


def _bilinear(base, small, y, x, gain, clip, out):
    """Separable bilinear: horizontal taps on every source row, then vertical blend.

    Same products and sums, in the same order, as the reference kernels, so the
    result is bit-identical to them.
    """
    y0, y1, fy = y
    x0, x1, fx = x
    s3 = _as3(small)
    ch = s3.shape[2]
    h, w = y0.shape[0], x0.shape[0]
    rows = np.empty((s3.shape[0], w, ch), f32)
    _hpass(s3, x0, x1, fx, rows)
    res = out if out.flags.c_contiguous else np.empty(out.shape, f32)
    _vpass(_DUMMY if base is None else base.reshape(h, w * ch), base is not None,
           rows.reshape(rows.shape[0], w * ch), y0, y1, fy, _f32(gain), clip,
           res.reshape(h, w * ch))
    if res is not out:
        out[...] = res
    return out


def _as3(a):
    return a if a.ndim == 3 else a.reshape(*a.shape, 1)


@fast("numba")
def upsample_add(base, small, gain, out=None):
    """``out = clip(base + gain * bilinear_up(small), 0, 1)`` (periodic, pixel centres)."""
    small = _c(small)
    if base is not None:
        base = _c(base)
        shape = base.shape
    else:
        shape = out.shape[:2] + small.shape[2:]
    out = _out2(out, shape)
    return _bilinear(base, small, _periodic_axis(shape[0], small.shape[0]),
                     _periodic_axis(shape[1], small.shape[1]), gain, base is not None, out)


@fast("numba")
def resize_bilinear(img, height, width, fit="stretch", out=None):
    """Resize (H, W, C) to (height, width, C), half-pixel centres, clamped edges, ``fit``
    as in ``ref.fit_axes`` (``contain``'s bars are 0)."""
    img = _c(img)
    h, w = img.shape[:2]
    sy, sx, oy, ox = fit_axes(h, w, height, width, fit)
    *ty, (ylo, yhi) = _clamped_axis(height, h, sy, oy)
    *tx, (xlo, xhi) = _clamped_axis(width, w, sx, ox)
    out = _out2(out, (height, width, img.shape[2]))
    _bilinear(None, img, ty, tx, 0.0, False, out)
    out[:ylo] = 0
    out[yhi:] = 0
    out[:, :xlo] = 0
    out[:, xhi:] = 0
    return out


@njit(**_JIT)
def _rgb_to_u8(x, out):
    h, n = x.shape
    zero, one = np.float32(0), np.float32(1)
    s, half = np.float32(255), np.float32(0.5)
    for i in prange(h):
        r = x[i]
        o = out[i]
        for j in range(n):
            v = r[j]
            v = v if v > zero else zero  # (NaN reads 0)
            v = v if v < one else one
            o[j] = np.uint8(v * s + half)


@fast("numba")
def rgb_to_u8(rgb, out=None):
    """``uint8(clip(rgb, 0, 1) * 255 + 0.5)`` in one compiled pass (see ``ref.rgb_to_u8``)."""
    x = _c(rgb)
    if out is None or not (out.flags.c_contiguous and out.dtype == np.uint8
                           and out.shape == x.shape):
        res = np.empty(x.shape, np.uint8)
    else:
        res = out
    x2 = x.reshape(x.shape[0], -1) if x.ndim != 2 else x
    _rgb_to_u8(x2, res.reshape(x2.shape))
    if out is not None and res is not out:
        out[...] = res
        return out
    return res


# -- per-frame statistics ------------------------------------------------------------------

@njit(**_JIT)
def _coverage_stats(A, gate, rows):
    h, w = A.shape
    for i in prange(h):
        r = A[i]
        s = 0.0  # float64 row sums: the mean of a 1024^2 grid stays exact to float32
        c = 0
        for j in range(w):
            x = r[j]
            s += x
            c += 1 if x > gate else 0
        rows[i, 0] = s
        rows[i, 1] = c


@fast("numba")
def coverage_stats(A, gate, out=None):
    """(2,) float32 array: [mean(A), fraction of A > gate] in one pass."""
    A = _c(A)
    rows = np.empty((A.shape[0], 2), np.float64)
    _coverage_stats(A, _f32(gate), rows)
    return _into((rows.sum(axis=0) / A.size).astype(f32), out)


# -- display ------------------------------------------------------------------------------

@njit(**_JIT)
def _shrink_rgb8(img, k, out):
    # per output row: the k source rows summed as flat byte rows (a vectorised pass),
    # then each block's k columns; the mean rounds half up as (s + k*k // 2) // (k*k),
    # done in float64: s / (k*k) lies at least 1 / (k*k) from the next integer unless it
    # is one, far more than the product's rounding, so the small bias keeps it exact
    h, w = out.shape
    w3 = img.shape[1] * 3
    inv = 1.0 / (k * k)
    half = np.float64((k * k) // 2) + 1e-7
    for i in prange(h):
        acc = np.zeros(w3, np.uint32)
        for y in range(i * k, i * k + k):
            row = img[y].ravel()
            for x in range(w3):
                acc[x] += np.uint32(row[x])
        col = np.zeros(3 * w, np.uint32)
        for dx in range(k):
            for j in range(w):
                src = 3 * (j * k + dx)
                col[3 * j] += acc[src]
                col[3 * j + 1] += acc[src + 1]
                col[3 * j + 2] += acc[src + 2]
        o = out[i]
        for j in range(w):
            r = np.uint32((col[3 * j] + half) * inv)
            g = np.uint32((col[3 * j + 1] + half) * inv)
            b = np.uint32((col[3 * j + 2] + half) * inv)
            o[j] = np.uint32(0xFF000000) | (r << np.uint32(16)) | (g << np.uint32(8)) | b


@fast("numba")
def shrink_rgb8(img, k, out=None):
    """The k x k block means of an 8-bit image as RGB32 in one pass (see ``ref.shrink_rgb8``)."""
    img = np.ascontiguousarray(img, dtype=np.uint8)
    k = int(k)
    shape = (img.shape[0] // k, img.shape[1] // k)
    res = out if (out is not None and out.shape == shape and out.dtype == np.uint32
                  and out.flags.c_contiguous) else np.empty(shape, np.uint32)
    _shrink_rgb8(img, k, res)
    if out is not None and res is not out:
        out[...] = res
        return out
    return res


@fast("numba")
def nonzero_box(A):
    """The non-zero box from the rows' non-zero spans, one vectorised pass (see
    ``ref.nonzero_box``)."""
    A = _c(A)
    spans = np.empty((A.shape[0], 2), np.int32)
    _row_spans(A, spans)
    live = np.flatnonzero(spans[:, 1] >= 0)
    if live.size == 0:
        return None
    s = spans[live]
    return int(live[0]), int(live[-1]), int(s[:, 0].min()), int(s[:, 1].max())


@njit(**_JIT)
def _lenia_growth_window(U, A, mu, sigma, dt, y0, x0, out):
    H, W = out.shape
    h, w = U.shape
    zero, one, two, mhalf = np.float32(0), np.float32(1), np.float32(2), np.float32(-0.5)
    for i in prange(H):
        o = out[i]
        if i < y0 or i >= y0 + h:
            for j in range(W):
                o[j] = zero
            continue
        # zero-based slices (as _lenia_growth_lattice's: offsets kept the loop scalar)
        u, a, oo = U[i - y0], A[i, x0:x0 + w], o[x0:x0 + w]
        for j in range(x0):
            o[j] = zero
        for j in range(x0 + w, W):
            o[j] = zero
        for j in range(w):
            z = (u[j] - mu) / sigma
            g = two * _expf(mhalf * z * z) - one
            v = a[j] + dt * g
            oo[j] = min(max(v, zero), one)


@njit(**_JIT)
def _lenia_growth_lattice(pad, A, mu, sigma, dt, r0, r1, fy, c0, c1, fx, ey0, ey1, ex0, ex1,
                          rows, out):
    H, W = out.shape
    zero, one, two, mhalf = np.float32(0), np.float32(1), np.float32(2), np.float32(-0.5)
    n = ex1 - ex0
    # as _hpass, over the columns [ex0, ex1) only and one channel (here 1.3 against 2.1 ms)
    t0, t1, tf = c0[ex0:ex1], c1[ex0:ex1], fx[ex0:ex1]
    for r in prange(pad.shape[0]):
        s, d = pad[r], rows[r, ex0:ex1]
        for j in range(n):
            d[j] = s[t0[j]] * (one - tf[j]) + s[t1[j]] * tf[j]
    for i in prange(H):
        o = out[i]
        if i < ey0 or i >= ey1:
            for j in range(W):
                o[j] = zero
            continue
        for j in range(ex0):
            o[j] = zero
        for j in range(ex1, W):
            o[j] = zero
        # zero-based slices: with offsets into whole rows this loop did not vectorise
        # (2.0 against 0.7 ms at 1024)
        top, bot, a, oo, wy = rows[r0[i], ex0:ex1], rows[r1[i], ex0:ex1], A[i, ex0:ex1], \
            o[ex0:ex1], fy[i]
        for j in range(n):
            u = top[j] * (one - wy) + bot[j] * wy
            z = (u - mu) / sigma
            g = two * _expf(mhalf * z * z) - one
            v = a[j] + dt * g
            oo[j] = min(max(v, zero), one)


@fast("numba")
def lenia_growth_lattice(U, A, mu, sigma, dt, k, y0, x0, out):
    """The growth from a potential on the lattice ``k`` px apart (see
    ``ref.lenia_growth_lattice``): the window's rows (and a padded zero row) brought to the
    pixels' columns once (each is shared by about k output rows), then each output row
    blends its two and grows, in one pass; bitwise the reference's mix."""
    from .ref import lattice_taps

    if not (out.flags.c_contiguous and out.dtype == f32 and A.dtype == f32):
        from .ref import lenia_growth_lattice as ref_growth_lattice

        return ref_growth_lattice(U, A, mu, sigma, dt, k, y0, x0, out)
    H, W = A.shape
    hu, wu = U.shape
    r0, r1, fy, (ey0, ey1) = lattice_taps(H, int(k), int(y0), hu, H // int(k))
    c0, c1, fx, (ex0, ex1) = lattice_taps(W, int(k), int(x0), wu, W // int(k))
    pad = np.zeros((hu + 1, wu + 1), f32)
    pad[:hu, :wu] = U
    _lenia_growth_lattice(pad, _c(A), _f32(mu), _f32(sigma), _f32(dt), r0, r1, fy, c0, c1, fx,
                          ey0, ey1, ex0, ex1, np.empty((hu + 1, W), f32), out)
    return out


@fast("numba")
def lenia_growth_window(U, A, mu, sigma, dt, y0, x0, out):
    """The windowed growth and the zeros around it in one pass (see
    ``ref.lenia_growth_window``)."""
    if not (out.flags.c_contiguous and out.dtype == f32):
        from .ref import lenia_growth_window as ref_growth_window

        return ref_growth_window(U, A, mu, sigma, dt, y0, x0, out)
    _lenia_growth_window(_c(U), _c(A), _f32(mu), _f32(sigma), _f32(dt), int(y0), int(x0), out)
    return out
