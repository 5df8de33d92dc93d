"""GPU benchmark: preset graphs per frame on CuPy vs NumPy, GPU memory, handoff to torch.

Usage (on a machine with a CUDA device; ``benchmarks/gpu_check.sh`` runs the gpu
tests first, then this)::

    python benchmarks/gpu_check.py --out benchmarks/results [--quick]

Writes ``gpu_results.md`` (tables, and PASS/FAIL against the targets) and
``gpu_results.json`` to ``--out``, rewritten after every stage (a run stopped by
a time limit leaves a partial report); a measurement that raises is reported as
an error and the others go on.
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
from nodes.backend import cuda_available, cuda_status, get_backend  # noqa: E402

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
    return {"fps": fps, "frames": frames, "marks": marks, "final_mean": float(out.mean()),
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
            if "error" in c:
                cells += ["error", "-", "-"]
                continue
            ok = n is not None and "error" not in n
            cells += [f"{c['fps']:.0f}", f"{n['fps']:.1f}" if ok else ("error" if n else "-"),
                      f"{c['fps'] / n['fps']:.0f}x" if ok else "-"]
        lines.append(f"| {r['preset']} | {r['family']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def guarded(fn, *args, **kwargs):
    """Run one measurement; an exception becomes ``{"error": ...}`` in the report (a device
    run is scarce: one failing preset must not lose the others' figures)."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


TARGET_SIZE = 1024
TARGET_RATIO = 30.0
TARGET_MEM_MIB = 256.0


def verdicts(data) -> list[str]:
    """The issue's targets, one line each: PASS, FAIL or NOT MEASURED."""
    s = str(TARGET_SIZE)
    lines = []
    for r in data.get("results", []):
        c, n = r["cupy"].get(s), r["numpy"].get(s)
        fam_target = TARGET_FPS[r["family"]]
        if c is None or "error" in c:
            lines.append(f"NOT MEASURED {r['preset']} @{s}: "
                         + (c["error"] if c else "size not run"))
            continue
        checks = [(c["fps"] >= fam_target, f"{c['fps']:.0f} fps (>= {fam_target})")]
        if n is not None and "error" not in n:
            ratio = c["fps"] / n["fps"]
            checks.append((ratio >= TARGET_RATIO, f"{ratio:.0f}x NumPy (>= {TARGET_RATIO:.0f}x)"))
        else:
            checks.append((False, "ratio not measured"))
        checks.append((c["mem_used_mib"] < TARGET_MEM_MIB,
                       f"{c['mem_used_mib']:.0f} MiB (< {TARGET_MEM_MIB:.0f})"))
        verdict = "PASS" if all(ok for ok, _ in checks) else "FAIL"
        lines.append(f"{verdict} {r['preset']} @{s}: " + ", ".join(
            t if ok else f"{t} MISSED" for ok, t in checks))
    lr = data.get("long_run")
    if lr is not None:
        if "error" in lr:
            lines.append(f"NOT MEASURED memory over the long run: {lr['error']}")
        else:
            used = [m["used_mib"] for m in lr["marks"].values()]
            total = [m["total_mib"] for m in lr["marks"].values()]
            flat = max(used) - used[0] < 1.0 and max(total) - total[0] < 1.0
            lines.append(f"{'PASS' if flat and lr['finite'] else 'FAIL'} long run "
                         f"({lr['frames']} frames): pool used {used[0]:.1f} -> {used[-1]:.1f} "
                         f"MiB, total {total[0]:.1f} -> {total[-1]:.1f} MiB, finite output "
                         f"{lr['finite']}")
    return lines


def render_md(data, sizes) -> str:
    """The Markdown report of whatever ``data`` holds so far."""
    info = data["env"]
    results = data.get("results", [])

    def ok_sizes(r):  # the sizes this preset's CuPy run measured
        return [s for s in sizes if "error" not in r["cupy"].get(str(s), {"error": "not run"})]

    md = [f"# GPU check: {info['device']}", "",
          f"cupy {info['cupy']}, CUDA runtime {info['cuda_runtime']}, driver {info['driver']}, "
          f"numpy {info['numpy']}, numba {info['numba']}, Python {info['python']}, "
          f"{info['cpus']} CPUs; NumPy-path kernels: {info['numpy_kernels']}.", ""]
    if not data.get("complete"):
        md += ["**Partial report**: the check was still running (or was stopped) when this "
               "was written.", ""]
    md += ["Full preset graph (engine, flow, life support, colour chain, bloom, output), "
           "one engine step per frame, steady state (warm-up excluded), fps by wall clock "
           "with the device synchronised around the timed frames; NumPy in the same run.", "",
           fmt_table(results, sizes), "",
           "CuPy fps with the device synchronised after every frame (a consumer waiting for "
           "each frame): " + "; ".join(
               f"{r['preset']} " + ", ".join(
                   f"{s}: {r['cupy'][str(s)]['fps_sync_each_frame']:.0f}" for s in ok_sizes(r))
               for r in results), "",
           "GPU memory for one graph (CuPy pool, from an empty pool; MiB):", "",
           "| preset | " + " | ".join(f"{s}" for s in sizes) + " |",
           "|---|" + "---|" * len(sizes)]
    for r in results:
        md.append(f"| {r['preset']} | " + " | ".join(
            f"{r['cupy'][str(s)]['mem_used_mib']:.0f}" if s in ok_sizes(r) else "-"
            for s in sizes) + " |")
    errors = [f"- {r['preset']} {k} {s}: {v['error']}" for r in results
              for k in ("cupy", "numpy") for s, v in r[k].items() if "error" in v]
    if errors:
        md += ["", "Errors:", "", *errors]
    md += ["", f"Targets @{TARGET_SIZE}: Lenia/Gray-Scott >= 1000 fps, SmoothLife/MNCA >= 500 "
           f"fps, >= {TARGET_RATIO:.0f}x NumPy, memory < {TARGET_MEM_MIB:.0f} MiB, no growth "
           "over the long run:", "", *(f"- {v}" for v in verdicts(data))]
    lr = data.get("long_run")
    if lr is not None and "error" not in lr:
        md += ["", f"Long run amoeba @1024, {lr['frames']} frames: {lr['fps']:.0f} fps; pool "
               "used/total MiB at frame " + ", ".join(
                   f"{k}: {v['used_mib']:.1f}/{v['total_mib']:.1f}" for k, v in lr["marks"].items())]
    handoff = data.get("torch_handoff_fps")
    if handoff is not None:
        md += ["", "Torch handoff (frame_into_torch into a THWC CUDA tensor every frame): "
               + ", ".join(f"{k} {v:.0f} fps" if isinstance(v, float) else f"{k}: {v}"
                           for k, v in handoff.items())]
    prof = data.get("profile_us", {})
    if prof:
        md += ["", "Per-node time @1024 (us/frame, each node followed by a device sync):", ""]
        for name, p in prof.items():
            md.append(f"- {name}: " + (p["error"] if "error" in p else ", ".join(
                f"{k} {v:.0f}" for k, v in list(p.items())[:10])))
    prof_host = data.get("profile_host_us", {})
    if prof_host:
        md += ["", "Per-node host time @1024 (us/frame to issue its work, no sync):", ""]
        for name, p in prof_host.items():
            md.append(f"- {name}: " + (p["error"] if "error" in p else ", ".join(
                f"{k} {v:.0f}" for k, v in list(p.items())[:10]) + f" (sum {sum(p.values()):.0f})"))
    busy = data.get("device_time_us", {})
    if busy:
        md += ["", "Device time vs host time per frame @1024 (frames queued behind a spin "
               "kernel, coverage read-back off; fps ceiling = 1e6 / device us):", "",
               "| preset | device us/frame | host us/frame | device-bound fps | valid |",
               "|---|---|---|---|---|"]
        for name, b in busy.items():
            if "error" in b:
                md.append(f"| {name} | error: {b['error'][:60]} | | | |")
            else:
                md.append(f"| {name} | {b['gpu_us']:.0f} | {b['host_us']:.0f} | "
                          f"{1e6 / max(b['gpu_us'], 1e-9):.0f} | {b['valid']} |")
    skipped = data.get("skipped")
    if skipped:
        md += ["", "Skipped to stay within the time budget: " + ", ".join(skipped)]
    md += ["", f"Whole check: {data.get('elapsed_s', 0.0):.0f} s."]
    return "\n".join(md) + "\n"


def write_report(out_dir: Path, data, sizes) -> str:
    """Write ``gpu_results.json`` and ``.md`` (atomically: a run stopped mid-write keeps
    the previous complete pair)."""
    md = render_md(data, sizes)
    for name, text in (("gpu_results.json", json.dumps(data, indent=1)),
                       ("gpu_results.md", md)):
        tmp = out_dir / (name + ".tmp")
        tmp.write_text(text)
        os.replace(tmp, out_dir / name)
    return md


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    ap.add_argument("--sizes", type=int, nargs="+", default=[512, 1024, 2048])
    ap.add_argument("--quick", action="store_true", help="fewer frames (smoke run)")
    ap.add_argument("--long-frames", type=int, default=10000)
    ap.add_argument("--no-numpy", action="store_true")
    ap.add_argument("--budget-s", type=float, default=240.0,
                    help="after this many seconds the optional diagnostics (per-node "
                         "profiles, device time) are skipped; the table, the long run and "
                         "the handoff always run")
    args = ap.parse_args(argv)
    if not cuda_available():
        print(f"no usable CUDA device ({cuda_status()[1]}): nothing to benchmark")
        return 2
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()
    info = env_info()
    print("env:", json.dumps(info), flush=True)
    data = {"env": info, "results": [], "complete": False}

    def save():
        data["elapsed_s"] = time.perf_counter() - t_start
        return write_report(out_dir, data, args.sizes)

    for family, names in PRESETS.items():
        for name in names:
            row = {"preset": name, "family": family, "cupy": {}, "numpy": {}}
            data["results"].append(row)
            for size in args.sizes:
                c = row["cupy"][str(size)] = guarded(bench_cupy, name, size, args.quick)
                if not args.no_numpy:
                    row["numpy"][str(size)] = guarded(bench_numpy, name, size, args.quick)
                n = row["numpy"].get(str(size), {"fps": float("nan")})
                if "error" in c:
                    print(f"{name:12s} {size:5d}  cupy ERROR {c['error']}", flush=True)
                else:
                    nf = n.get("fps", float("nan"))
                    print(f"{name:12s} {size:5d}  cupy {c['fps']:8.0f} fps "
                          f"({c['fps_sync_each_frame']:.0f} synced each frame)  "
                          f"numpy {nf:7.2f} fps"
                          f"  mem {c['mem_used_mib']:.0f} MiB (pool {c['pool_total_mib']:.0f})",
                          flush=True)
            save()
    data["long_run"] = lr = guarded(long_run, "amoeba", 1024, args.long_frames)
    print("long run:", json.dumps(lr), flush=True)
    save()
    handoff = data["torch_handoff_fps"] = {}
    try:
        handoff["amoeba@1024"] = bench_torch_handoff("amoeba", 1024)
        print(f"torch handoff amoeba@1024: {handoff['amoeba@1024']:.0f} fps", flush=True)
    except Exception as exc:  # torch missing or without CUDA
        handoff["error"] = repr(exc)
        print("torch handoff skipped:", exc)
    save()
    prof, prof_host, busy = (data.setdefault(k, {}) for k in (
        "profile_us", "profile_host_us", "device_time_us"))
    skipped = data["skipped"] = []

    def in_budget(what):
        if time.perf_counter() - t_start < args.budget_s:
            return True
        skipped.append(what)
        return False

    for family, names in PRESETS.items():
        if not in_budget(f"profiles of {names[0]}"):
            continue
        prof[names[0]] = p = guarded(profile, names[0], 1024)
        print(f"profile {names[0]} @1024 (us/frame, node incl. sync):", json.dumps(p)[:300],
              flush=True)
        prof_host[names[0]] = p = guarded(profile, names[0], 1024, sync=False)
        print(f"profile {names[0]} @1024 (us/frame, host issue only):", json.dumps(p)[:300],
              flush=True)
        save()
    for family, names in PRESETS.items():
        for name in names:
            if not in_budget(f"device time of {name}"):
                continue
            busy[name] = guarded(gpu_busy, name, 1024)  # diagnostics: never fatal
            print(f"device time {name} @1024: {json.dumps(busy[name])}", flush=True)
        save()
    data["complete"] = True
    md = save()
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
