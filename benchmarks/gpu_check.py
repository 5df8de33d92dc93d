"""GPU benchmark: preset graphs per frame on CuPy vs NumPy, GPU memory, handoff to torch.

Usage (on a machine with a CUDA device; ``benchmarks/gpu_check.sh`` runs the gpu
tests first, then this)::

    python benchmarks/gpu_check.py --out benchmarks/results [--quick]

Writes ``gpu_results.md`` (tables) and ``gpu_results.json`` to ``--out``.
Steady state: each preset runs with one engine step per frame
(``rt.ctx.steps_override = 1``), warm-up frames excluded, the device
synchronised before and after the timed frames and every 50 frames (wall
clock; until 2026-11-29 every frame after the first 300 was synchronised too,
which measured host and device serialised); a second figure synchronises
after every frame.  NumPy runs in
the same process on the same machine, fewer frames.  Memory is CuPy's pool
(``used_bytes``/``total_bytes``) for one graph alone, measured from an empty
pool.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import nodes  # noqa: E402
from nodes import Runtime  # noqa: E402
from nodes.backend import cuda_available, get_backend  # noqa: E402

PRESETS = {  # family -> presets (two per family)
    "lenia": ["amoeba", "nebula"],
    "grayscott": ["reef", "labyrinth"],
    "smoothlife": ["sl_gliders", "sl_chaos"],
    "mnca": ["mnca_worm", "mnca_coral"],
}
TARGET_FPS = {"lenia": 1000, "grayscott": 1000, "smoothlife": 500, "mnca": 500}
MiB = 1024 * 1024


def load(name):
    return nodes.load(ROOT / "graphs" / f"{name}.graph")


def runtime(name, backend, size):
    rt = Runtime(load(name), backend=backend, size=size)
    rt.ctx.steps_override = 1
    return rt


def time_frames(rt, warmup, min_frames, max_frames, budget_s, sync_every=50):
    """Frames per second over at least ``min_frames`` frames and ``budget_s`` seconds.

    The device is synchronised before and after the timed frames and every
    ``sync_every`` frames (which keeps the launch queue short): throughput, the host
    and the device overlapping.  ``sync_every=1`` waits for every frame instead, as a
    consumer that needs each frame finished before it asks for the next.
    """
    for _ in range(max(warmup, rt.warmup_frames + 1)):  # past the engine's warm-up steps
        rt.step()
    rt.be.synchronize()
    n = 0
    t0 = time.perf_counter()
    while n < max_frames and (n < min_frames or time.perf_counter() - t0 < budget_s):
        rt.step()
        n += 1
        if n % sync_every == 0:
            rt.be.synchronize()
    rt.be.synchronize()
    dt = time.perf_counter() - t0
    return n / dt, n


def free_pool(cp):
    cp.get_default_memory_pool().free_all_blocks()
    cp.get_default_pinned_memory_pool().free_all_blocks()


def bench_cupy(name, size, quick):
    import cupy as cp

    be = get_backend("cupy")
    be._plans.clear()
    free_pool(cp)
    pool = cp.get_default_memory_pool()
    base = pool.used_bytes()
    rt = runtime(name, "cupy", size)
    budget = 0.6 if quick else 1.2
    fps, n = time_frames(rt, 40, 100 if quick else 300, 20000, budget)
    fps_sync, _ = time_frames(rt, 0, 100, 20000, budget / 2, sync_every=1)
    used = pool.used_bytes() - base
    total = pool.total_bytes()
    del rt
    return {"fps": fps, "fps_sync_each_frame": fps_sync, "frames": n,
            "mem_used_mib": used / MiB, "pool_total_mib": total / MiB}


def bench_numpy(name, size, quick):
    frames = {512: 6, 1024: 3, 2048: 2}.get(size, 3)
    if quick:
        frames = max(2, frames // 2)
    rt = runtime(name, "numpy", size)
    fps, n = time_frames(rt, 2, frames, frames, 0.0)
    return {"fps": fps, "frames": n}


def bench_torch_handoff(name, size):
    import torch

    from nodes.torch_bridge import frame_into_torch

    rt = runtime(name, "cupy", size)
    video = torch.empty((8, rt.height, rt.width, 3), device="cuda", dtype=torch.float32)
    for i in range(30):
        frame_into_torch(rt.step(), video, i % 8)
    rt.be.synchronize()
    torch.cuda.synchronize()
    n = 300
    t0 = time.perf_counter()
    for i in range(n):
        frame_into_torch(rt.step(), video, i % 8)
    torch.cuda.synchronize()
    rt.be.synchronize()
    return n / (time.perf_counter() - t0)


def long_run(name, size, frames):
    import cupy as cp

    be = get_backend("cupy")
    be._plans.clear()
    free_pool(cp)
    pool = cp.get_default_memory_pool()
    rt = runtime(name, "cupy", size)
    marks = {}
    t0 = time.perf_counter()
    for i in range(1, frames + 1):
        rt.step()
        if i in (100, 1000, frames) or i % 2500 == 0:
            rt.be.synchronize()
            marks[i] = {"used_mib": pool.used_bytes() / MiB, "total_mib": pool.total_bytes() / MiB}
    rt.be.synchronize()
    fps = frames / (time.perf_counter() - t0)
    out = rt.output_host()
    return {"fps": fps, "marks": marks, "final_mean": float(out.mean()),
            "finite": bool(np.isfinite(out).all())}


def profile(name, size, frames=60, sync=True):
    """us/frame per node: with ``sync`` each node is followed by a device sync (its full
    cost); without, only the host time each node takes to issue its work."""
    rt = runtime(name, "cupy", size)
    rt.profile_sync = sync
    for _ in range(20):
        rt.step()
    rt.be.synchronize()
    rt.profile = {}
    for _ in range(frames):
        rt.step()
    rt.be.synchronize()
    return {k: v / frames * 1e6 for k, v in sorted(rt.profile.items(), key=lambda kv: -kv[1])}


_SPIN = r"""
extern "C" __global__ void cag_spin(long long ns) {
    unsigned long long t0, t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t0));
    do { asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t)); } while (t - t0 < (unsigned long long)ns);
}
"""


def gpu_busy(name, size, frames=20, spin_ms=250.0):
    """Device time of a frame without host gaps, next to the host time to issue it.

    A spin kernel holds the stream while the host queues ``frames`` frames behind it,
    so the device then runs them back to back: the events around them time the device
    work alone.  The coverage manager's once-per-frame read-back (a host wait on the
    previous frame) is switched off for this measurement only.  ``valid`` is False when
    the host took longer to queue than the spin lasted (then gaps are included).
    """
    import cupy as cp

    from nodes.library.life import CoveragePolicy

    rt = runtime(name, "cupy", size)
    for _ in range(20):
        rt.step()
    rt.be.synchronize()
    spin = cp.RawKernel(_SPIN, "cag_spin")
    orig = CoveragePolicy.apply
    CoveragePolicy.apply = lambda *a, **k: None
    try:
        for _ in range(2):  # first round: spin kernel compile and caches
            e0, e1 = cp.cuda.Event(), cp.cuda.Event()
            spin((1,), (1,), (np.int64(spin_ms * 1e6),))
            e0.record()
            t0 = time.perf_counter()
            for _ in range(frames):
                rt.step()
            host_s = time.perf_counter() - t0
            e1.record()
            e1.synchronize()
    finally:
        CoveragePolicy.apply = orig
    gpu_ms = cp.cuda.get_elapsed_time(e0, e1)
    return {"gpu_us": gpu_ms * 1e3 / frames, "host_us": host_s * 1e6 / frames,
            "valid": host_s * 1e3 < spin_ms}


def env_info():
    import cupy as cp

    props = cp.cuda.runtime.getDeviceProperties(0)
    name = props["name"].decode() if isinstance(props["name"], bytes) else props["name"]
    info = {"device": name, "sms": props["multiProcessorCount"],
            "gpu_mem_gib": props["totalGlobalMem"] / 2 ** 30,
            "driver": cp.cuda.runtime.driverGetVersion(),
            "cuda_runtime": cp.cuda.runtime.runtimeGetVersion(), "cupy": cp.__version__,
            "numpy": np.__version__, "python": platform.python_version(),
            "cpus": os.cpu_count()}
    try:
        import torch

        info["torch"] = torch.__version__
    except Exception:
        pass
    try:
        import numba

        info["numba"] = numba.__version__
    except Exception:
        info["numba"] = None
    from nodes.backend import get_backend as gb

    info["numpy_kernels"] = gb("numpy").k.implementation("lenia_growth")
    info["cupy_kernels"] = gb("cupy").k.implementation("lenia_growth")
    return info


def fmt_table(results, sizes):
    lines = ["| preset | family | " + " | ".join(
        f"{s}: CuPy fps | {s}: NumPy fps | {s}: ratio" for s in sizes) + " |",
        "|---|---|" + "---|---|---|" * len(sizes)]
    for r in results:
        cells = []
        for s in sizes:
            c, n = r["cupy"].get(str(s)), r["numpy"].get(str(s))
            if c is None:
                cells += ["-", "-", "-"]
                continue
            nf = n["fps"] if n else float("nan")
            cells += [f"{c['fps']:.0f}", f"{nf:.1f}", f"{c['fps'] / nf:.0f}x" if n else "-"]
        lines.append(f"| {r['preset']} | {r['family']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    ap.add_argument("--sizes", type=int, nargs="+", default=[512, 1024, 2048])
    ap.add_argument("--quick", action="store_true", help="fewer frames (smoke run)")
    ap.add_argument("--long-frames", type=int, default=10000)
    ap.add_argument("--no-numpy", action="store_true")
    args = ap.parse_args(argv)
    if not cuda_available():
        print("no usable CUDA device: nothing to benchmark")
        return 2
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()
    info = env_info()
    print("env:", json.dumps(info), flush=True)
    results = []
    for family, names in PRESETS.items():
        for name in names:
            row = {"preset": name, "family": family, "cupy": {}, "numpy": {}}
            for size in args.sizes:
                row["cupy"][str(size)] = bench_cupy(name, size, args.quick)
                if not args.no_numpy:
                    row["numpy"][str(size)] = bench_numpy(name, size, args.quick)
                c = row["cupy"][str(size)]
                n = row["numpy"].get(str(size), {"fps": float("nan")})
                print(f"{name:12s} {size:5d}  cupy {c['fps']:8.0f} fps "
                      f"({c['fps_sync_each_frame']:.0f} synced each frame)  "
                      f"numpy {n['fps']:7.2f} fps"
                      f"  mem {c['mem_used_mib']:.0f} MiB (pool {c['pool_total_mib']:.0f})",
                      flush=True)
            results.append(row)
    prof, prof_host, busy = {}, {}, {}
    for family, names in PRESETS.items():
        prof[names[0]] = profile(names[0], 1024)
        top = list(prof[names[0]].items())[:8]
        print(f"profile {names[0]} @1024 (us/frame, node incl. sync):",
              ", ".join(f"{k} {v:.0f}" for k, v in top), flush=True)
        prof_host[names[0]] = profile(names[0], 1024, sync=False)
        top = list(prof_host[names[0]].items())[:8]
        print(f"profile {names[0]} @1024 (us/frame, host issue only):",
              ", ".join(f"{k} {v:.0f}" for k, v in top), flush=True)
    for family, names in PRESETS.items():
        for name in names:
            try:
                busy[name] = gpu_busy(name, 1024)
            except Exception as exc:  # diagnostics only: never fail the check on them
                busy[name] = {"error": repr(exc)}
            print(f"device time {name} @1024: {json.dumps(busy[name])}", flush=True)
    handoff = {}
    try:
        handoff["amoeba@1024"] = bench_torch_handoff("amoeba", 1024)
        print(f"torch handoff amoeba@1024: {handoff['amoeba@1024']:.0f} fps", flush=True)
    except Exception as exc:  # torch missing or without CUDA
        handoff["error"] = repr(exc)
        print("torch handoff skipped:", exc)
    lr = long_run("amoeba", 1024, args.long_frames)
    print("long run:", json.dumps(lr), flush=True)
    elapsed = time.perf_counter() - t_start

    data = {"env": info, "results": results, "profile_us": prof,
            "profile_host_us": prof_host, "device_time_us": busy, "torch_handoff_fps": handoff,
            "long_run": lr, "elapsed_s": elapsed}
    (out_dir / "gpu_results.json").write_text(json.dumps(data, indent=1))
    md = [f"# GPU check: {info['device']}", "",
          f"cupy {info['cupy']}, CUDA runtime {info['cuda_runtime']}, driver {info['driver']}, "
          f"numpy {info['numpy']}, numba {info['numba']}, Python {info['python']}, "
          f"{info['cpus']} CPUs; NumPy-path kernels: {info['numpy_kernels']}.", "",
          "Full preset graph (engine, flow, life support, colour chain, bloom, output), "
          "one engine step per frame, steady state (warm-up excluded), fps by wall clock "
          "with the device synchronised around the timed frames; NumPy in the same run.", "",
          fmt_table(results, args.sizes), "",
          "CuPy fps with the device synchronised after every frame (a consumer waiting for "
          "each frame): " + "; ".join(
              f"{r['preset']} " + ", ".join(
                  f"{s}: {r['cupy'][str(s)]['fps_sync_each_frame']:.0f}" for s in args.sizes)
              for r in results), "",
          "GPU memory for one graph (CuPy pool, from an empty pool; MiB):", "",
          "| preset | " + " | ".join(f"{s}" for s in args.sizes) + " |",
          "|---|" + "---|" * len(args.sizes)]
    for r in results:
        md.append(f"| {r['preset']} | " + " | ".join(
            f"{r['cupy'][str(s)]['mem_used_mib']:.0f}" for s in args.sizes) + " |")
    md += ["", f"Targets @1024: Lenia/Gray-Scott >= 1000 fps, SmoothLife/MNCA >= 500 fps, "
           ">= 30x NumPy, memory < 256 MiB.", "",
           f"Long run amoeba @1024, {args.long_frames} frames: {lr['fps']:.0f} fps; pool used/total "
           "MiB at frame " + ", ".join(f"{k}: {v['used_mib']:.1f}/{v['total_mib']:.1f}"
                                       for k, v in lr["marks"].items()), "",
           "Torch handoff (frame_into_torch into a THWC CUDA tensor every frame): "
           + ", ".join(f"{k} {v:.0f} fps" if isinstance(v, float) else f"{k}: {v}"
                       for k, v in handoff.items()), "",
           "Per-node time @1024 (us/frame, each node followed by a device sync):", ""]
    for name, p in prof.items():
        md.append(f"- {name}: " + ", ".join(f"{k} {v:.0f}" for k, v in list(p.items())[:10]))
    md += ["", "Per-node host time @1024 (us/frame to issue its work, no sync):", ""]
    for name, p in prof_host.items():
        md.append(f"- {name}: " + ", ".join(f"{k} {v:.0f}" for k, v in list(p.items())[:10])
                  + f" (sum {sum(p.values()):.0f})")
    md += ["", "Device time vs host time per frame @1024 (frames queued behind a spin kernel, "
           "coverage read-back off; fps ceiling = 1e6 / device us):", "",
           "| preset | device us/frame | host us/frame | device-bound fps | valid |",
           "|---|---|---|---|---|"]
    for name, b in busy.items():
        if "error" in b:
            md.append(f"| {name} | error: {b['error'][:60]} | | | |")
        else:
            md.append(f"| {name} | {b['gpu_us']:.0f} | {b['host_us']:.0f} | "
                      f"{1e6 / max(b['gpu_us'], 1e-9):.0f} | {b['valid']} |")
    md += ["", f"Whole check: {elapsed:.0f} s."]
    (out_dir / "gpu_results.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
