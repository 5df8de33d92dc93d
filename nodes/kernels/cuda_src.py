"""CUDA C sources of the GPU kernels and the launch-side logic of their twins.

This module imports no CuPy: it holds the kernel sources as plain strings (so
CI can compile-check them with NVRTC, and run them on the host through a C++
emulation, without a GPU) and the twins' Python wrappers written against an
array module and a *launcher*.  ``nodes.kernels.cuda`` binds them to CuPy and
``RawKernel`` launches; ``tests/nodes/test_cuda_sources.py`` binds them to
NumPy and a ``g++``-built shared library that runs the same sources on one
host thread.

Every kernel is a grid-stride loop over one index (no shared memory, no
``__syncthreads``), so running it with one block of one thread on the host
computes the same thing as the GPU launch.  Reductions keep a per-thread
maximum, fold it across the warp with ``__shfl_xor_sync`` and combine warps
with an atomic max on the float's bit pattern.

Numerics follow ``nodes/kernels/ref.py`` operation by operation (float32
throughout, same evaluation order); NVRTC may contract ``a * b + c`` into an
FMA, so results agree to float32 rounding, not bit for bit.
"""

from __future__ import annotations

import numpy as np

from .ref import fit_axes, lattice_taps

f32 = np.float32
i32 = np.int32

PRELUDE = r"""
#define CAG_LOOP(i, n) \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (long long)(n); \
         i += (long long)blockDim.x * gridDim.x)

__device__ __forceinline__ long long cag_mod(long long a, long long n) {
    long long r = a % n;
    return r < 0 ? r + n : r;
}

/* semi-Lagrangian transport: src sampled (bilinear, periodic) at pixel i moved back by
   scale * vel (vel is (2, h, w): dy then dx) */
__device__ __forceinline__ float cag_advected(const float* __restrict__ src,
                                              const float* __restrict__ vel, float scale,
                                              long long i, long long n, int h, int w) {
    const int r = (int)(i / w), c = (int)(i % w);
    const float y = (float)r - scale * vel[i];
    const float x = (float)c - scale * vel[n + i];
    const float y0 = floorf(y), x0 = floorf(x);
    const float fy = y - y0, fx = x - x0;
    const long long iy0 = cag_mod((long long)y0, h), ix0 = cag_mod((long long)x0, w);
    const long long iy1 = (iy0 + 1) % h, ix1 = (ix0 + 1) % w;
    const float top = src[iy0 * w + ix0] * (1.0f - fx) + src[iy0 * w + ix1] * fx;
    const float bot = src[iy1 * w + ix0] * (1.0f - fx) + src[iy1 * w + ix1] * fx;
    return top * (1.0f - fy) + bot * fy;
}

/* the same transport between pixels k apart (the 512 lattice on a grid k times finer,
   nodes/lattice.py): t = -vel / k per axis, src mixed at p + k floor(t) and one lattice
   step beyond, bilinearly (periodic); inv is 1 / k in float32, as ref.advect_lattice's */
__device__ __forceinline__ float cag_lattice_advected(const float* __restrict__ src,
                                                      const float* __restrict__ vel, int k,
                                                      float inv, long long i, long long n,
                                                      int h, int w) {
    const int r = (int)(i / w), c = (int)(i % w);
    const float ty = -vel[i] * inv;
    const float tx = -vel[n + i] * inv;
    const float y0 = floorf(ty), x0 = floorf(tx);
    const float fy = ty - y0, fx = tx - x0;
    const long long iy0 = cag_mod((long long)r + (long long)k * (long long)y0, h);
    const long long ix0 = cag_mod((long long)c + (long long)k * (long long)x0, w);
    const long long iy1 = (iy0 + k) % h, ix1 = (ix0 + k) % w;
    const float top = src[iy0 * w + ix0] * (1.0f - fx) + src[iy0 * w + ix1] * fx;
    const float bot = src[iy1 * w + ix0] * (1.0f - fx) + src[iy1 * w + ix1] * fx;
    return top * (1.0f - fy) + bot * fy;
}

__device__ __forceinline__ float cag_clip01(float x) {
    return x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x);
}

#ifndef CAG_HOST
__device__ __forceinline__ float cag_warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}
#else
static inline float cag_warp_sum(float v) { return v; }  /* host emulation: one thread */
#endif

/* warp-fold a per-thread maximum, then one atomic per warp on the float's bits
   (ordered as int for x >= 0 and reversed as unsigned for x < 0). */
__device__ __forceinline__ void cag_atomic_max(float* addr, float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    if ((threadIdx.x & 31) == 0) {
        if (v >= 0.0f) atomicMax((int*)addr, __float_as_int(v));
        else atomicMin((unsigned int*)addr, __float_as_uint(v));
    }
}
"""

SOURCES: dict[str, str] = {}

SOURCES["cag_advect"] = r"""
extern "C" __global__ void cag_advect(const float* __restrict__ src, const float* __restrict__ vel,
                                      float scale, float* __restrict__ out, int h, int w) {
    const long long n = (long long)h * w;
    CAG_LOOP(i, n) out[i] = cag_advected(src, vel, scale, i, n, h, w);
}
"""

SOURCES["cag_advect_lattice"] = r"""
extern "C" __global__ void cag_advect_lattice(const float* __restrict__ src,
                                              const float* __restrict__ vel, int k, float inv,
                                              float* __restrict__ out, int h, int w) {
    const long long n = (long long)h * w;
    CAG_LOOP(i, n) out[i] = cag_lattice_advected(src, vel, k, inv, i, n, h, w);
}
"""

SOURCES["cag_lenia_growth"] = r"""
extern "C" __global__ void cag_lenia_growth(const float* __restrict__ U, const float* __restrict__ A,
                                            float mu, float sigma, float dt,
                                            float* __restrict__ out, long long n) {
    CAG_LOOP(i, n) {
        const float z = (U[i] - mu) / sigma;
        const float g = 2.0f * expf(-0.5f * z * z) - 1.0f;
        out[i] = cag_clip01(A[i] + dt * g);
    }
}
"""

SOURCES["cag_lenia_growth_lattice"] = r"""
/* the window's potential at lattice point (a, b) of the window, 0 outside it */
__device__ __forceinline__ float cag_window_tap(const float* __restrict__ U, long long a,
                                                long long b, int hu, int wu) {
    return (a < hu && b < wu) ? U[a * wu + b] : 0.0f;
}

extern "C" __global__ void cag_lenia_growth_lattice(
        const float* __restrict__ U, int hu, int wu, const float* __restrict__ A,
        float mu, float sigma, float dt, int k, int y0, int x0, int ey0, int ey1, int ex0,
        int ex1, float* __restrict__ out, int h, int w) {
    const long long n = (long long)h * w;
    const int hc = h / k, wc = w / k;
    CAG_LOOP(i, n) {
        const int r = (int)(i / w), q = (int)(i % w);
        if (r < ey0 || r >= ey1 || q < ex0 || q >= ex1) {
            out[i] = 0.0f;
            continue;
        }
        /* the pixel centre on the lattice (as ref.lattice_taps), its two taps per axis as
           window indices: a tap outside the window reads 0 */
        const float ys = ((float)r + 0.5f) / (float)k - 0.5f;
        const float xs = ((float)q + 0.5f) / (float)k - 0.5f;
        const float fy0 = floorf(ys), fx0 = floorf(xs);
        const float fy = ys - fy0, fx = xs - fx0;
        const long long t0 = cag_mod((long long)fy0, hc), s0 = cag_mod((long long)fx0, wc);
        const long long u0 = cag_mod(t0 - y0, hc), u1 = cag_mod((t0 + 1) % hc - y0, hc);
        const long long v0 = cag_mod(s0 - x0, wc), v1 = cag_mod((s0 + 1) % wc - x0, wc);
        const float top = cag_window_tap(U, u0, v0, hu, wu) * (1.0f - fx)
                          + cag_window_tap(U, u0, v1, hu, wu) * fx;
        const float bot = cag_window_tap(U, u1, v0, hu, wu) * (1.0f - fx)
                          + cag_window_tap(U, u1, v1, hu, wu) * fx;
        const float z = (top * (1.0f - fy) + bot * fy - mu) / sigma;
        const float g = 2.0f * expf(-0.5f * z * z) - 1.0f;
        out[i] = cag_clip01(A[i] + dt * g);
    }
}
"""

SOURCES["cag_smoothlife_rule"] = r"""
__device__ __forceinline__ float cag_sig(float x, float a, float alpha) {
    return 1.0f / (1.0f + expf(-(x - a) / alpha));
}

extern "C" __global__ void cag_smoothlife_rule(const float* __restrict__ N, const float* __restrict__ M,
                                               const float* __restrict__ A,
                                               float b1, float b2, float d1, float d2,
                                               float alpha_n, float alpha_m, float dt,
                                               float* __restrict__ out, long long n) {
    CAG_LOOP(i, n) {
        const float nn = N[i], mm = M[i];
        const float sm = cag_sig(mm, 0.5f, alpha_m);
        const float birth = cag_sig(nn, b1, alpha_n) * (1.0f - cag_sig(nn, b2, alpha_n));
        const float death = cag_sig(nn, d1, alpha_n) * (1.0f - cag_sig(nn, d2, alpha_n));
        const float s = birth * (1.0f - sm) + death * sm;
        out[i] = cag_clip01(A[i] + dt * (2.0f * s - 1.0f));
    }
}
"""

SOURCES["cag_mnca_update"] = r"""
extern "C" __global__ void cag_mnca_update(const float* __restrict__ pots, const float* __restrict__ A,
                                           int k, float lo0, float hi0, float lo1, float hi1,
                                           float lo2, float hi2, float lo3, float hi3, float delta,
                                           float* __restrict__ out, long long n) {
    const float lo[4] = {lo0, lo1, lo2, lo3};
    const float hi[4] = {hi0, hi1, hi2, hi3};
    CAG_LOOP(i, n) {
        float inc = 0.0f;
        for (int r = 0; r < k; ++r) {
            const float p = pots[r * n + i];
            inc += (p >= lo[r] && p <= hi[r]) ? delta : -delta;
        }
        out[i] = cag_clip01(A[i] + inc);
    }
}
"""

SOURCES["cag_grayscott_step"] = r"""
__device__ __forceinline__ float cag_lap9(const float* __restrict__ f, long long ym, long long y,
                                          long long yp, long long xm, long long x, long long xp,
                                          int w) {
    const float card = f[ym * w + x] + f[yp * w + x] + f[y * w + xm] + f[y * w + xp];
    const float diag = f[ym * w + xm] + f[ym * w + xp] + f[yp * w + xm] + f[yp * w + xp];
    return 0.2f * card + 0.05f * diag - f[y * w + x];
}

extern "C" __global__ void cag_grayscott_step(const float* __restrict__ U, const float* __restrict__ V,
                                              const float* __restrict__ feed, int has_feed,
                                              float feed_gain, float kill,
                                              float du, float dv, float dt,
                                              float* __restrict__ out_u,
                                              float* __restrict__ out_v, int h, int w) {
    /* feed rate per pixel: feed[i] * feed_gain, or feed_gain everywhere without a map.
       A step of length dt scales every rate (ref.grayscott_step); dt == 1 runs the
       dt-free expressions unchanged, so the device compiler contracts them as before */
    const long long n = (long long)h * w;
    const int unit = dt == 1.0f;
    const float dut = du * dt, dvt = dv * dt, kt = kill * dt;
    CAG_LOOP(i, n) {
        const long long y = i / w, x = i % w;
        const long long ym = y == 0 ? h - 1 : y - 1, yp = y == h - 1 ? 0 : y + 1;
        const long long xm = x == 0 ? w - 1 : x - 1, xp = x == w - 1 ? 0 : x + 1;
        const float u = U[i], v = V[i], f = has_feed ? feed[i] * feed_gain : feed_gain;
        const float uvv = u * v * v;
        float nu, nv;
        if (unit) {
            nu = u + du * cag_lap9(U, ym, y, yp, xm, x, xp, w) - uvv + f * (1.0f - u);
            nv = v + dv * cag_lap9(V, ym, y, yp, xm, x, xp, w) + uvv - (f + kill) * v;
        } else {
            const float r = uvv * dt, ft = f * dt;
            nu = u + dut * cag_lap9(U, ym, y, yp, xm, x, xp, w) - r + ft * (1.0f - u);
            nv = v + dvt * cag_lap9(V, ym, y, yp, xm, x, xp, w) + r - (ft + kt) * v;
        }
        out_u[i] = cag_clip01(nu);
        out_v[i] = cag_clip01(nv);
    }
}
"""

SOURCES["cag_post_step"] = r"""
__device__ __forceinline__ float cag_post(float a, long long i, long long y, long long x,
                                          float* __restrict__ prev,
                                          const float* __restrict__ mask,
                                          const float* __restrict__ noise, int oy1, int ox1,
                                          int oy2, int ox2, const float* __restrict__ centre,
                                          const float* __restrict__ stir_x,
                                          const float* __restrict__ stir_y, float cos_s,
                                          float sin_s, float vel_amp, float gate, float still,
                                          int flags, int h, int w) {
    /* flags: 1 mask, 2 velocity noise, 4 centre noise, 8 stir */
    if (flags & 1) a *= mask[i];
    const float old = prev[i];
    prev[i] = a;
    float add = 0.0f;
    if (flags & 2) {
        const float n1 = noise[cag_mod(y - oy1, h) * w + cag_mod(x - ox1, w)];
        add += fabsf(a - old) < still ? vel_amp * n1 : 0.0f;
    }
    if (flags & 4) add += centre[i] * noise[cag_mod(y - oy2, h) * w + cag_mod(x - ox2, w)];
    if (flags & 8) add += cos_s * stir_x[i] + sin_s * stir_y[i];
    a += a > gate ? add : 0.0f;
    return cag_clip01(a);
}

#define CAG_POST_PARAMS float* __restrict__ prev, const float* __restrict__ mask, \
    const float* __restrict__ noise, int oy1, int ox1, int oy2, int ox2, \
    const float* __restrict__ centre, const float* __restrict__ stir_x, \
    const float* __restrict__ stir_y, float cos_s, float sin_s, float vel_amp, float gate, \
    float still, int flags, int h, int w
#define CAG_POST_ARGS prev, mask, noise, oy1, ox1, oy2, ox2, centre, stir_x, stir_y, cos_s, \
    sin_s, vel_amp, gate, still, flags, h, w

extern "C" __global__ void cag_post_step(float* __restrict__ A, CAG_POST_PARAMS) {
    const long long n = (long long)h * w;
    CAG_LOOP(i, n) {
        const long long y = i / w, x = i % w;
        A[i] = cag_post(A[i], i, y, x, CAG_POST_ARGS);
    }
}

extern "C" __global__ void cag_advect_post(const float* __restrict__ src,
                                           const float* __restrict__ vel, float scale,
                                           float* __restrict__ out, CAG_POST_PARAMS) {
    /* cag_advect into out, then the post step on each advected value: one pass */
    const long long n = (long long)h * w;
    CAG_LOOP(i, n) {
        out[i] = cag_post(cag_advected(src, vel, scale, i, n, h, w), i, i / w, i % w,
                          CAG_POST_ARGS);
    }
}

extern "C" __global__ void cag_advect_lattice_post(const float* __restrict__ src,
                                                   const float* __restrict__ vel, int k,
                                                   float inv, float* __restrict__ out,
                                                   CAG_POST_PARAMS) {
    /* cag_advect_lattice into out, then the post step on each value: one pass */
    const long long n = (long long)h * w;
    CAG_LOOP(i, n) {
        out[i] = cag_post(cag_lattice_advected(src, vel, k, inv, i, n, h, w), i, i / w, i % w,
                          CAG_POST_ARGS);
    }
}
"""

SOURCES["cag_signals_follow"] = r"""
extern "C" __global__ void cag_signals_follow(const float* __restrict__ W, float* __restrict__ Wp,
                                              const float* __restrict__ zones, int has_zones,
                                              float wd, float wv, float we, float* inv,
                                              float* peaks, float* maxima,
                                              unsigned int* __restrict__ counter, float decay,
                                              int first, float* __restrict__ out_t,
                                              float* __restrict__ out_a, int h, int w,
                                              int s) {
    /* Colour signals (ref.signals, the edges between the pixels s px either side) with
       the normalisers inv: t and alpha, the frame's
       maxima (max W, max |W - Wp|, max edge) folded into maxima (-inf on entry); W is
       copied into Wp (each element after its velocity is read); and the last block to
       finish turns the maxima into the peak followers (ref.peak_follow: peaks, inv) for
       the next frame, then puts maxima back to -inf and the counter to zero. */
    const long long n = (long long)h * w;
    const float inv_d = inv[0], inv_v = inv[1], inv_e = inv[2];
    const float ninf = __int_as_float(0xff800000);
    const long long sy = s % h, sx = s % w;  /* the taps' offsets, within a period */
    float mw = ninf, mv = ninf, me = ninf;
    CAG_LOOP(i, n) {
        const long long y = i / w, x = i % w;
        const long long ym = y < sy ? y - sy + h : y - sy, yp = y + sy >= h ? y + sy - h : y + sy;
        const long long xm = x < sx ? x - sx + w : x - sx, xp = x + sx >= w ? x + sx - w : x + sx;
        const float v0 = W[i];
        const float gx = W[y * w + xm] - W[y * w + xp];
        const float gy = W[ym * w + x] - W[yp * w + x];
        const float e = sqrtf(gx * gx + gy * gy);
        const float vel = fabsf(v0 - Wp[i]);
        Wp[i] = v0;
        float t = wd * v0 * inv_d + wv * vel * inv_v + we * e * inv_e;
        if (has_zones) t = t + zones[i];
        out_t[i] = t - floorf(t);
        out_a[i] = cag_clip01(v0 * inv_d);
        mw = fmaxf(mw, v0);
        mv = fmaxf(mv, vel);
        me = fmaxf(me, e);
    }
    cag_atomic_max(maxima + 0, mw);
    cag_atomic_max(maxima + 1, mv);
    cag_atomic_max(maxima + 2, me);
    __syncthreads();
    if (threadIdx.x == 0) {
        __threadfence();
        const unsigned int done = atomicAdd(counter, 1u);
        if (done == gridDim.x - 1) {  /* every block has read inv and folded its maxima */
            __threadfence();
            for (int j = 0; j < 3; ++j) {
                const float now = atomicExch(maxima + j, ninf);
                const float p = first ? fmaxf(now, 0.01f) : fmaxf(now, decay * peaks[j]);
                peaks[j] = p;
                inv[j] = 1.0f / fmaxf(p, 1e-3f);
            }
            atomicExch(counter, 0u);
        }
    }
}
"""

SOURCES["cag_palette_map"] = r"""
extern "C" __global__ void cag_palette_map(const float* __restrict__ t, const float* __restrict__ a,
                                           const float* __restrict__ lut, int nl,
                                           const float* __restrict__ alut, int na,
                                           float* __restrict__ out, long long n) {
    CAG_LOOP(i, n) {
        /* clamped as floats before the cast (a NaN fails "> 0" and reads entry 0) */
        const float tf = t[i] * (float)nl, af = a[i] * (float)(na - 1) + 0.5f;
        const int ti = (int)(tf > 0.0f ? fminf(tf, (float)(nl - 1)) : 0.0f);
        const int ai = (int)(af > 0.0f ? fminf(af, (float)(na - 1)) : 0.0f);
        const float g = alut[ai];
        out[3 * i + 0] = cag_clip01(lut[3 * ti + 0] * g);
        out[3 * i + 1] = cag_clip01(lut[3 * ti + 1] * g);
        out[3 * i + 2] = cag_clip01(lut[3 * ti + 2] * g);
    }
}
"""

SOURCES["cag_downsample_box"] = r"""
extern "C" __global__ void cag_downsample_box(const float* __restrict__ img, int h, int w, int c,
                                              int f, float* __restrict__ out) {
    const int hs = h / f, ws = w / f;
    const long long n = (long long)hs * ws * c;
    const float inv = 1.0f / (float)(f * f);
    CAG_LOOP(i, n) {
        const int ch = (int)(i % c);
        const long long p = i / c;
        const int ys = (int)(p / ws), xs = (int)(p % ws);
        float s = 0.0f;
        for (int dy = 0; dy < f; ++dy) {
            const float* row = img + ((long long)(ys * f + dy) * w + (long long)xs * f) * c + ch;
            for (int dx = 0; dx < f; ++dx) s += row[dx * c];
        }
        out[i] = s * inv;
    }
}
"""

SOURCES["cag_upsample_add"] = r"""
extern "C" __global__ void cag_upsample_add(const float* __restrict__ base, int has_base,
                                            const float* __restrict__ small, int hs, int ws,
                                            int c, float gain, float f,
                                            float* __restrict__ out, int h, int w) {
    const long long n = (long long)h * w * c;
    CAG_LOOP(i, n) {
        const int ch = (int)(i % c);
        const long long p = i / c;
        const int r = (int)(p / w), q = (int)(p % w);
        const float ys = ((float)r + 0.5f) / f - 0.5f;
        const float xs = ((float)q + 0.5f) / f - 0.5f;
        const float y0 = floorf(ys), x0 = floorf(xs);
        const float fy = ys - y0, fx = xs - x0;
        const long long iy0 = cag_mod((long long)y0, hs), ix0 = cag_mod((long long)x0, ws);
        const long long iy1 = (iy0 + 1) % hs, ix1 = (ix0 + 1) % ws;
        const float s00 = small[(iy0 * ws + ix0) * c + ch], s01 = small[(iy0 * ws + ix1) * c + ch];
        const float s10 = small[(iy1 * ws + ix0) * c + ch], s11 = small[(iy1 * ws + ix1) * c + ch];
        const float top = s00 * (1.0f - fx) + s01 * fx;
        const float bot = s10 * (1.0f - fx) + s11 * fx;
        const float up = top * (1.0f - fy) + bot * fy;
        out[i] = has_base ? cag_clip01(base[i] + gain * up) : up;
    }
}
"""

SOURCES["cag_resize_bilinear"] = r"""
extern "C" __global__ void cag_resize_bilinear(const float* __restrict__ img, int h, int w, int c,
                                               float sy, float sx, float oy, float ox,
                                               float* __restrict__ out, int ho, int wo) {
    /* source coordinate (o + 0.5) s - 0.5 + off per axis; 0 outside the image */
    const long long n = (long long)ho * wo * c;
    CAG_LOOP(i, n) {
        const int ch = (int)(i % c);
        const long long p = i / c;
        const int r = (int)(p / wo), q = (int)(p % wo);
        /* explicit rounding (no FMA contraction): the inside test must match the reference */
        float cy = __fadd_rn(__fadd_rn(__fmul_rn((float)r + 0.5f, sy), -0.5f), oy);
        float cx = __fadd_rn(__fadd_rn(__fmul_rn((float)q + 0.5f, sx), -0.5f), ox);
        if (!(cy >= -0.5f && cy <= (float)h - 0.5f && cx >= -0.5f && cx <= (float)w - 0.5f)) {
            out[i] = 0.0f;
            continue;
        }
        cy = fminf(fmaxf(cy, 0.0f), (float)(h - 1));
        cx = fminf(fmaxf(cx, 0.0f), (float)(w - 1));
        const int y0 = (int)floorf(cy), x0 = (int)floorf(cx);
        const int y1 = y0 + 1 < h ? y0 + 1 : h - 1, x1 = x0 + 1 < w ? x0 + 1 : w - 1;
        const float fy = cy - (float)y0, fx = cx - (float)x0;
        const float s00 = img[((long long)y0 * w + x0) * c + ch];
        const float s01 = img[((long long)y0 * w + x1) * c + ch];
        const float s10 = img[((long long)y1 * w + x0) * c + ch];
        const float s11 = img[((long long)y1 * w + x1) * c + ch];
        const float top = s00 * (1.0f - fx) + s01 * fx;
        const float bot = s10 * (1.0f - fx) + s11 * fx;
        out[i] = top * (1.0f - fy) + bot * fy;
    }
}
"""

SOURCES["cag_coverage_stats"] = r"""
extern "C" __global__ void cag_coverage_stats(const float* __restrict__ A, float gate, long long n,
                                              float* __restrict__ acc,
                                              unsigned int* __restrict__ counter,
                                              float* __restrict__ out) {
    /* acc (2 floats) and counter must be zero on entry; the last block to finish
       writes out = [sum / n, count / n] and puts acc and counter back to zero. */
    float s = 0.0f, c = 0.0f;
    CAG_LOOP(i, n) {
        const float a = A[i];
        s += a;
        c += a > gate ? 1.0f : 0.0f;
    }
    s = cag_warp_sum(s);
    c = cag_warp_sum(c);
    if ((threadIdx.x & 31) == 0) {
        atomicAdd(acc + 0, s);
        atomicAdd(acc + 1, c);
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        __threadfence();
        const unsigned int done = atomicAdd(counter, 1u);
        if (done == gridDim.x - 1) {
            __threadfence();
            const float S = atomicExch(acc + 0, 0.0f), C = atomicExch(acc + 1, 0.0f);
            out[0] = (float)((double)S / (double)n);
            out[1] = (float)((double)C / (double)n);
            atomicExch(counter, 0u);
        }
    }
}
"""

SOURCES["cag_advect_post"] = SOURCES["cag_post_step"]  # one translation unit, three kernels
SOURCES["cag_advect_lattice_post"] = SOURCES["cag_post_step"]

SOURCES["cag_deadzone"] = r"""
extern "C" __global__ void cag_deadzone(const float* __restrict__ x, float dead, float gain,
                                        float* __restrict__ out, long long n) {
    CAG_LOOP(i, n) out[i] = cag_clip01((x[i] - dead) * gain);
}
"""

SOURCES["cag_power"] = r"""
extern "C" __global__ void cag_power(const float* __restrict__ x, float p,
                                     float* __restrict__ out, long long n) {
    CAG_LOOP(i, n) out[i] = powf(fmaxf(x[i], 0.0f), p);  /* max(x, 0)^p: never NaN */
}
"""

SOURCES["cag_spectral_mul"] = r"""
extern "C" __global__ void cag_spectral_mul(const float2* F, const float2* __restrict__ K,
                                            float2* out, long long n, long long total) {
    /* out[i] = K[i] * F[i % n]: one spectrum F (n values) times k stacked spectra;
       out may alias F (each element is read before it is written, by the same thread),
       so F and out carry no __restrict__ (that would promise they never overlap) */
    CAG_LOOP(i, total) {
        const float2 f = F[i % n], k = K[i];
        float2 r;
        r.x = k.x * f.x - k.y * f.y;
        r.y = k.x * f.y + k.y * f.x;
        out[i] = r;
    }
}
"""

SOURCES["cag_palette_lut"] = r"""
extern "C" __global__ void cag_palette_lut(double a0, double a1, double a2, double b0, double b1,
                                           double b2, double c0, double c1, double c2, double d0,
                                           double d1, double d2, double harm2, double harm3,
                                           double shift, double g0, double g1, double g2, int n,
                                           float* __restrict__ out) {
    /* cosine palette at t = (i + 0.5) / n in double, clipped to [0, 1], times the
       per-channel gain g (hue tint x tint x brightness), stored as float */
    const double tau = 6.283185307179586;
    CAG_LOOP(k, 3LL * n) {
        const int ch = (int)(k % 3);
        const double t = ((double)(k / 3) + 0.5) / (double)n;
        const double a = ch == 0 ? a0 : (ch == 1 ? a1 : a2);
        const double b = ch == 0 ? b0 : (ch == 1 ? b1 : b2);
        const double c = ch == 0 ? c0 : (ch == 1 ? c1 : c2);
        const double d = (ch == 0 ? d0 : (ch == 1 ? d1 : d2)) + shift;
        const double g = ch == 0 ? g0 : (ch == 1 ? g1 : g2);
        double p = a + b * cos(tau * (c * t + d)) + harm2 * cos(tau * (2.5 * c * t + d + 0.3))
                   + harm3 * cos(tau * (4.0 * c * t + d + 0.7));
        p = p < 0.0 ? 0.0 : (p > 1.0 ? 1.0 : p);
        out[k] = (float)(p * g);
    }
}
"""

SOURCES["cag_blur_dense"] = r"""
extern "C" __global__ void cag_blur_dense(const float* __restrict__ src,
                                          const float* __restrict__ G,
                                          float* __restrict__ out, int h, int w, int c,
                                          int axis) {
    /* one axis of a separable dense blur of an (h, w, c) image:
       axis 0: out[y, x] = sum_j G[y, j] src[j, x]   (G is h x h)
       axis 1: out[y, x] = sum_j G[x, j] src[y, j]   (G is w x w) */
    const long long n = (long long)h * w * c;
    CAG_LOOP(i, n) {
        const int ch = (int)(i % c);
        const long long p = i / c;
        const int y = (int)(p / w), x = (int)(p % w);
        float s = 0.0f;
        if (axis == 0) {
            const float* g = G + (long long)y * h;
            const float* col = src + (long long)x * c + ch;
            for (int j = 0; j < h; ++j) s += g[j] * col[(long long)j * w * c];
        } else {
            const float* g = G + (long long)x * w;
            const float* row = src + (long long)y * w * c + ch;
            for (int j = 0; j < w; ++j) s += g[j] * row[(long long)j * c];
        }
        out[i] = s;
    }
}
"""

#: kernels that reduce across the whole grid (launched with a bounded grid)
REDUCING = frozenset({"cag_signals_follow", "cag_coverage_stats"})


def full_source(name: str) -> str:
    """The complete translation unit for one kernel (prelude + body)."""
    return PRELUDE + SOURCES[name]


# -- twins: launch-side logic, written against (xp, launch) ------------------------------
#
# ``launch(name, n, args)`` runs kernel ``name`` over ``n`` work items with the
# positional ``args`` (arrays of xp, np.float32 / np.int32 / np.int64 scalars).


def _f32c(xp, a):
    """Contiguous float32 view or copy of ``a`` (fast path: ``a`` itself)."""
    if type(a) is xp.ndarray and a.dtype == f32 and a.flags.c_contiguous:
        return a
    return xp.ascontiguousarray(a, dtype=f32)


def _target(xp, out, shape):
    """(buffer the kernel writes, array to return): a temporary when ``out`` is not contiguous."""
    if out is None:
        buf = xp.empty(shape, dtype=f32)
        return buf, buf
    if out.dtype == f32 and out.flags.c_contiguous:
        return out, out
    return xp.empty(shape, dtype=f32), out


def _finish(buf, out):
    if buf is not out:
        out[...] = buf
    return out


def advect(xp, launch, src, vel, scale, out=None):
    src = _f32c(xp, src)
    vel = _f32c(xp, vel)
    h, w = src.shape
    buf, res = _target(xp, out, src.shape)
    launch("cag_advect", h * w, (src, vel, f32(scale), buf, i32(h), i32(w)))
    return _finish(buf, res)


def advect_lattice(xp, launch, src, vel, k, out=None):
    src = _f32c(xp, src)
    vel = _f32c(xp, vel)
    h, w = src.shape
    buf, res = _target(xp, out, src.shape)
    if buf is src:
        raise ValueError("advect_lattice cannot write over its source")
    launch("cag_advect_lattice", h * w,
           (src, vel, i32(k), f32(1.0 / int(k)), buf, i32(h), i32(w)))
    return _finish(buf, res)


def lenia_growth(xp, launch, U, A, mu, sigma, dt, out=None):
    U, A = _f32c(xp, U), _f32c(xp, A)
    buf, res = _target(xp, out, A.shape)
    launch("cag_lenia_growth", A.size,
           (U, A, f32(mu), f32(sigma), f32(dt), buf, np.int64(A.size)))
    return _finish(buf, res)


def lenia_growth_lattice(xp, launch, U, A, mu, sigma, dt, k, y0, x0, out):
    U, A = _f32c(xp, U), _f32c(xp, A)
    h, w = A.shape
    hu, wu = U.shape
    k, y0, x0 = int(k), int(y0), int(x0)
    ey0, ey1 = lattice_taps(h, k, y0, hu, h // k)[3]
    ex0, ex1 = lattice_taps(w, k, x0, wu, w // k)[3]
    buf, res = _target(xp, out, A.shape)
    launch("cag_lenia_growth_lattice", A.size,
           (U, i32(hu), i32(wu), A, f32(mu), f32(sigma), f32(dt), i32(k), i32(y0), i32(x0),
            i32(ey0), i32(ey1), i32(ex0), i32(ex1), buf, i32(h), i32(w)))
    return _finish(buf, res)


def smoothlife_rule(xp, launch, n, m, A, b1, b2, d1, d2, alpha_n, alpha_m, dt, out=None):
    n, m, A = _f32c(xp, n), _f32c(xp, m), _f32c(xp, A)
    buf, res = _target(xp, out, A.shape)
    launch("cag_smoothlife_rule", A.size,
           (n, m, A, f32(b1), f32(b2), f32(d1), f32(d2), f32(alpha_n), f32(alpha_m), f32(dt),
            buf, np.int64(A.size)))
    return _finish(buf, res)


def mnca_update(xp, launch, pots, A, lows, highs, delta, out=None):
    pots, A = _f32c(xp, pots), _f32c(xp, A)
    k = int(pots.shape[0])
    if k > 4:
        raise ValueError("mnca_update supports at most 4 rings")
    lo = [f32(v) for v in lows[:k]] + [f32(0)] * (4 - k)
    hi = [f32(v) for v in highs[:k]] + [f32(0)] * (4 - k)
    buf, res = _target(xp, out, A.shape)
    launch("cag_mnca_update", A.size,
           (pots, A, i32(k), lo[0], hi[0], lo[1], hi[1], lo[2], hi[2], lo[3], hi[3], f32(delta),
            buf, np.int64(A.size)))
    return _finish(buf, res)


def grayscott_step(xp, launch, U, V, feed, kill, du, dv, out_u=None, out_v=None,
                   feed_gain=1.0, dt=1.0):
    U, V = _f32c(xp, U), _f32c(xp, V)
    has_feed = feed is not None
    if not has_feed:
        feed = U  # not read
    elif not hasattr(feed, "shape") or feed.shape != U.shape:
        feed = xp.broadcast_to(xp.asarray(feed, dtype=f32), U.shape)
    feed = _f32c(xp, feed)
    h, w = U.shape
    bu, ru = _target(xp, out_u, U.shape)
    bv, rv = _target(xp, out_v, V.shape)
    launch("cag_grayscott_step", h * w,
           (U, V, feed, i32(has_feed), f32(feed_gain), f32(kill), f32(du), f32(dv), f32(dt), bu,
            bv, i32(h), i32(w)))
    return _finish(bu, ru), _finish(bv, rv)


def post_step(xp, launch, A, prev, mask, noise, oy1, ox1, oy2, ox2, centre, stir_x, stir_y,
              cos_s, sin_s, vel_amp, gate, still):
    if not (A.dtype == f32 and A.flags.c_contiguous):
        raise ValueError("post_step works in place on contiguous float32 A and prev")
    launch("cag_post_step", A.size,
           (A, *_post_args(xp, A, prev, mask, noise, oy1, ox1, oy2, ox2, centre, stir_x, stir_y,
                           cos_s, sin_s, vel_amp, gate, still)))
    return A


def advect_post(xp, launch, src, vel, scale, out, prev, mask, noise, oy1, ox1, oy2, ox2, centre,
                stir_x, stir_y, cos_s, sin_s, vel_amp, gate, still):
    return _trace_post(xp, launch, "advect_post", (f32(scale),), src, vel, out, prev,
                       (mask, noise, oy1, ox1, oy2, ox2, centre, stir_x, stir_y, cos_s, sin_s,
                        vel_amp, gate, still))


def advect_lattice_post(xp, launch, src, vel, k, out, prev, mask, noise, oy1, ox1, oy2, ox2,
                        centre, stir_x, stir_y, cos_s, sin_s, vel_amp, gate, still):
    return _trace_post(xp, launch, "advect_lattice_post", (i32(k), f32(1.0 / int(k))), src,
                       vel, out, prev, (mask, noise, oy1, ox1, oy2, ox2, centre, stir_x, stir_y,
                                        cos_s, sin_s, vel_amp, gate, still))


def _trace_post(xp, launch, name, trace_args, src, vel, out, prev, post):
    """Launch ``cag_<name>``: a trace (its own arguments ``trace_args``) fused with the
    post step (``post``) into ``out``."""
    src, vel = _f32c(xp, src), _f32c(xp, vel)
    if not (out.shape == src.shape and out.dtype == f32 and out.flags.c_contiguous):
        raise ValueError(f"{name} writes a contiguous float32 out shaped like src")
    if out is src:
        raise ValueError(f"{name} cannot write over its source")
    launch(f"cag_{name}", out.size, (src, vel, *trace_args, out, *_post_args(xp, out, prev, *post)))
    return out


def _post_args(xp, A, prev, mask, noise, oy1, ox1, oy2, ox2, centre, stir_x, stir_y, cos_s,
               sin_s, vel_amp, gate, still):
    """The post-step arguments after the field (CAG_POST_PARAMS), checked and flagged."""
    if not (prev.shape == A.shape and prev.dtype == f32 and prev.flags.c_contiguous):
        raise ValueError("post_step works in place on contiguous float32 A and prev")
    h, w = A.shape
    flags = 0
    dummy = A
    if mask is not None:
        mask = _f32c(xp, mask)
        flags |= 1
    if vel_amp != 0:
        flags |= 2
    if centre is not None:
        centre = _f32c(xp, centre)
        flags |= 4
    if stir_x is not None:
        stir_x, stir_y = _f32c(xp, stir_x), _f32c(xp, stir_y)
        flags |= 8
    noise = _f32c(xp, noise)
    return (prev, dummy if mask is None else mask, noise, i32(oy1 % h), i32(ox1 % w),
            i32(oy2 % h), i32(ox2 % w), dummy if centre is None else centre,
            dummy if stir_x is None else stir_x, dummy if stir_y is None else stir_y,
            f32(cos_s), f32(sin_s), f32(vel_amp), f32(gate), f32(still), i32(flags), i32(h),
            i32(w))


def signals_follow(xp, launch, W, Wprev, zones, wd, wv, we, inv, peaks, maxima, decay, first,
                   out_t=None, out_a=None, spacing=1):
    W = _f32c(xp, W)
    h, w = W.shape
    if not (Wprev.shape == W.shape and Wprev.dtype == f32 and Wprev.flags.c_contiguous):
        raise ValueError("signals_follow updates a contiguous float32 Wprev in place")
    for a in (inv, peaks, maxima):
        if not (a.dtype == f32 and a.flags.c_contiguous and a.size == 3):
            raise ValueError("signals_follow updates contiguous float32 (3,) arrays in place")
    counter = _workspace(xp, "signals_follow", lambda: xp.zeros(1, dtype=np.uint32))
    bt, rt = _target(xp, out_t, W.shape)
    ba, ra = _target(xp, out_a, W.shape)
    z = W if zones is None else _f32c(xp, zones)
    launch("cag_signals_follow", h * w,
           (W, Wprev, z, i32(zones is not None), f32(wd), f32(wv), f32(we), inv, peaks, maxima,
            counter, f32(decay), i32(bool(first)), bt, ba, i32(h), i32(w), i32(spacing)))
    return _finish(bt, rt), _finish(ba, ra)


def palette_map(xp, launch, t, a, lut, alut, out=None):
    t, a = _f32c(xp, t), _f32c(xp, a)
    lut, alut = _f32c(xp, lut), _f32c(xp, alut)
    buf, res = _target(xp, out, (*t.shape, 3))
    launch("cag_palette_map", t.size,
           (t, a, lut, i32(lut.shape[0]), alut, i32(alut.shape[0]), buf, np.int64(t.size)))
    return _finish(buf, res)


def downsample_box(xp, launch, img, factor, out=None):
    img = _f32c(xp, img)
    h, w = img.shape[:2]
    c = 1 if img.ndim == 2 else int(img.shape[2])
    f = int(factor)
    buf, res = _target(xp, out, (h // f, w // f, *img.shape[2:]))
    launch("cag_downsample_box", buf.size, (img, i32(h), i32(w), i32(c), i32(f), buf))
    return _finish(buf, res)


def upsample_add(xp, launch, base, small, gain, out=None):
    small = _f32c(xp, small)
    hs, ws = small.shape[:2]
    c = 1 if small.ndim == 2 else int(small.shape[2])
    if base is not None:
        base = _f32c(xp, base)
        h, w = base.shape[:2]
    else:
        h, w = out.shape[:2]
    f = h // hs
    shape = (h, w, *small.shape[2:])
    buf, res = _target(xp, out, shape)
    launch("cag_upsample_add", h * w * c,
           (small if base is None else base, i32(base is not None), small, i32(hs), i32(ws),
            i32(c), f32(gain), f32(f), buf, i32(h), i32(w)))
    return _finish(buf, res)


def resize_bilinear(xp, launch, img, height, width, fit="stretch", out=None):
    img = _f32c(xp, img)
    h, w, c = img.shape
    sy, sx, oy, ox = fit_axes(h, w, height, width, fit)
    buf, res = _target(xp, out, (height, width, c))
    launch("cag_resize_bilinear", height * width * c,
           (img, i32(h), i32(w), i32(c), f32(sy), f32(sx), f32(oy), f32(ox), buf, i32(height),
            i32(width)))
    return _finish(buf, res)


_WORKSPACE: dict = {}


def _workspace(xp, name: str, make):
    """A reducing kernel's zeroed accumulators, one set per array module and device,
    made once: the kernel's last block puts them back to zero."""
    key = (name, xp.__name__, _device_id(xp))
    ws = _WORKSPACE.get(key)
    if ws is None:
        ws = _WORKSPACE[key] = make()
    return ws


def coverage_stats(xp, launch, A, gate, out=None):
    A = _f32c(xp, A)
    ws = _workspace(xp, "coverage_stats",
                    lambda: (xp.zeros(2, dtype=f32), xp.zeros(1, dtype=np.uint32)))
    if out is None:
        out = xp.empty(2, dtype=f32)
    elif not (out.dtype == f32 and out.flags.c_contiguous and out.size == 2):
        raise ValueError("coverage_stats writes a contiguous float32 (2,) array")
    launch("cag_coverage_stats", A.size, (A, f32(gate), np.int64(A.size), ws[0], ws[1], out))
    return out


def _device_id(xp):
    cuda = getattr(xp, "cuda", None)
    return cuda.Device().id if cuda is not None else -1


def deadzone(xp, launch, x, dead, gain, out=None):
    x = _f32c(xp, x)
    buf, res = _target(xp, out, x.shape)
    launch("cag_deadzone", x.size, (x, f32(dead), f32(gain), buf, np.int64(x.size)))
    return _finish(buf, res)


def power(xp, launch, x, p, out=None):
    x = _f32c(xp, x)
    buf, res = _target(xp, out, x.shape)
    launch("cag_power", x.size, (x, f32(p), buf, np.int64(x.size)))
    return _finish(buf, res)


def spectral_mul(xp, launch, F, K, out=None):
    c64 = np.complex64
    for a in (F, K):
        if not (a.dtype == c64 and a.flags.c_contiguous):
            raise ValueError("spectral_mul takes contiguous complex64 spectra")
    if K.shape[-2:] != F.shape or K.ndim not in (2, 3):
        raise ValueError(f"spectra of shapes {K.shape} and {F.shape} do not match")
    if out is None:
        out = xp.empty(K.shape, dtype=c64)
    elif not (out.shape == K.shape and out.dtype == c64 and out.flags.c_contiguous):
        raise ValueError("spectral_mul writes a contiguous complex64 array shaped like K")
    if K.ndim == 3 and out is F:
        raise ValueError("a stacked product cannot be written over F")
    launch("cag_spectral_mul", K.size, (F, K, out, np.int64(F.size), np.int64(K.size)))
    return out


def palette_lut(xp, launch, a, b, c, d, harm2, harm3, shift, gain, out):
    if not (out.dtype == f32 and out.flags.c_contiguous and out.ndim == 2
            and out.shape[1] == 3):
        raise ValueError("palette_lut writes a contiguous float32 (n, 3) array")
    f64 = np.float64
    coef = [f64(v) for trio in (a, b, c, d) for v in trio]
    launch("cag_palette_lut", 3 * out.shape[0],
           (*coef, f64(harm2), f64(harm3), f64(shift), *(f64(g) for g in gain),
            i32(out.shape[0]), out))
    return out


def blur_dense(xp, launch, img, gy, gx, out=None):
    img, gy, gx = _f32c(xp, img), _f32c(xp, gy), _f32c(xp, gx)
    h, w = img.shape[:2]
    c = 1 if img.ndim == 2 else int(img.shape[2])
    tmp = xp.empty(img.shape, dtype=f32)
    buf, res = _target(xp, out, img.shape)
    launch("cag_blur_dense", img.size, (img, gy, tmp, i32(h), i32(w), i32(c), i32(0)))
    launch("cag_blur_dense", img.size, (tmp, gx, buf, i32(h), i32(w), i32(c), i32(1)))
    return _finish(buf, res)


#: twin name -> implementation (same names and signatures as ref.py, plus (xp, launch))
TWINS = {fn.__name__: fn for fn in (
    advect, advect_lattice, lenia_growth, lenia_growth_lattice, smoothlife_rule, mnca_update,
    grayscott_step, post_step,
    advect_post, advect_lattice_post,
    signals_follow, palette_map, downsample_box, upsample_add, resize_bilinear, coverage_stats,
    palette_lut, blur_dense, spectral_mul, deadzone, power)}
