"""Runs INSIDE the fresh venv holding the exported wheels: discovers them the way
Scope does (entry points in group "scope" + pluggy), checks each config and runs
each pipeline on CPU.  Writes results.json and frames_<id>.npz to argv[1]."""

import importlib.metadata as md
import json
import sys
import time
from pathlib import Path

import numpy as np
import pluggy
import torch

from scope.core.plugins.hookspecs import ScopeHookSpec

OUT = Path(sys.argv[1])
H, W, GRID, SEED, N = 64, 96, 64, 7, 4
PACED = set(sys.argv[2].split(",")) if len(sys.argv) > 2 else set()
# "K/N": check every N-th registered pipeline from the K-th (the fixture runs N of these
# side by side: most of a plugin's first call is numba compiling its own vendored kernels)
PART, PARTS = map(int, (sys.argv[3] if len(sys.argv) > 3 else "0/1").split("/"))
# the pipelines run frame by frame (plugin_runs.py); the others are registered and their
# configs checked, not run (each run compiles its own vendored kernels)
RUN = set(sys.argv[4].split(",")) if len(sys.argv) > 4 else None
results = {"plugins": {}, "errors": []}

eps = md.entry_points(group="scope")
per_dist: dict[str, list] = {}
for ep in eps:
    per_dist.setdefault(ep.dist.name, []).append(ep)

pm = pluggy.PluginManager("scope")
pm.add_hookspecs(ScopeHookSpec)
for dist, group in per_dist.items():
    if len(group) != 1:
        results["errors"].append(f"{dist}: {len(group)} entry points")
        continue
    pm.register(group[0].load(), name=dist)  # Scope pre-validates with ep.load()

registered = []
pm.hook.register_pipelines(register=registered.append)


class _NotRun(Exception):
    """A plugin checked for its config only."""


def frame_np(out):
    v = out["video"]
    assert isinstance(v, torch.Tensor), type(v)
    return v.detach().cpu().numpy().copy(), str(v.dtype), str(v.device), tuple(v.shape)


def sturdy_kinds(cls):
    import importlib

    return importlib.import_module(cls.__module__).PUBLISHED


def noise_kwargs():
    # what Scope sends besides our own fields: all must be ignored
    return {"prompts": [{"text": "x", "weight": 1}], "input_mode": "video", "noise_scale": 0.7,
            "lora_scales": [], "video": [torch.zeros(1, 8, 8, 3, dtype=torch.uint8)],
            "totally_unknown_key": object()}


def _runs(cls) -> bool:
    return RUN is None or cls.get_config_class().pipeline_id in RUN


# the running ones dealt out first, so that the parts share the compiling evenly
mine = sorted(registered, key=lambda c: (not _runs(c), c.get_config_class().pipeline_id))
mine = mine[PART::PARTS]
for cls in mine:
    cfg = cls.get_config_class()
    pid = cfg.pipeline_id
    roots = {g[0].value.split(".")[0]: d for d, g in per_dist.items()}
    t_start = time.perf_counter()
    rec = {"class": cls.__name__, "module": cls.__module__,
           "dist": roots.get(cls.__module__.split(".")[0])}
    try:
        rec["meta"] = cfg.get_schema_with_metadata()
        rec["definition"] = {k: v for k, v in cls.get_definition().items() if k != "pipeline_meta"}
        inst_cfg = cfg()  # every field has a default
        rec["defaults"] = inst_cfg.model_dump()
        rec["ran"] = _runs(cls)
        if not rec["ran"]:
            raise _NotRun
        # Scope's plugin load path: every non-None default, then load params
        schema_defaults = {k: f.default for k, f in cfg.model_fields.items() if f.default is not None}
        load = {"height": H, "width": W, "grid_size": GRID, "seed": SEED, "fps": 240.0,
                "loras": [{"path": "/x.safetensors", "scale": 1.0}], "quantization": None}
        pipe = cls(**{**schema_defaults, **load})
        rec["device"] = str(pipe.device)
        frames, info = [], []
        for i in range(N):
            out = pipe(init_cache=(i == 0), **noise_kwargs())
            f, dtype, dev, shape = frame_np(out)
            frames.append(f)
            info.append([dtype, dev, list(shape), float(f.min()), float(f.max())])
        rec["frames"] = info
        # a returned frame is the caller's: Scope queues them (Krea samples 12 at once),
        # so the next call must not write into it
        kept = pipe()["video"]
        snapshot = kept.detach().clone()
        pipe()
        rec["kept_frame_unchanged"] = bool(torch.equal(kept, snapshot))
        # init_cache restarts the organism
        restart, *_ = frame_np(pipe(init_cache=True))
        rec["restart_equals_first"] = bool(np.array_equal(restart, frames[0]))
        # published parameters from kwargs take effect
        changed = {}
        for name, fi in cfg.model_fields.items():
            ui = (fi.json_schema_extra or {}).get("ui", {})
            if ui.get("category") != "input" or name not in sturdy_kinds(cls):
                continue  # published parameters only (not fps, seed, beat_reset)
            sch = rec["meta"]["config_schema"]["properties"][name]
            if "enum" in sch:
                changed[name] = next(c for c in sch["enum"] if c != fi.default)
            elif sch.get("type") == "boolean":
                changed[name] = not fi.default
            else:
                lo, hi = sch["minimum"], sch["maximum"]
                v = fi.default + 0.25 * (hi - fi.default) if hi > fi.default else lo
                changed[name] = int(round(v)) if sch.get("type") == "integer" else v
        # the restarted take's next frame, under the changed values, against frame 1
        changed_frame, *_ = frame_np(pipe(**changed))
        g = pipe.runtime.graph
        applied = {p.name: g.param_value(p.node, p.param) for p in g.published}
        rec["changed"] = changed
        rec["applied"] = applied
        rec["changed_differs"] = not np.array_equal(changed_frame, frames[1])
        # a new seed from kwargs reseeds
        s2, *_ = frame_np(pipe(seed=SEED + 1, init_cache=True))
        rec["seed_change_differs"] = not np.array_equal(s2, frames[0])
        np.savez(OUT / f"frames_{pid}.npz", *frames)
        if pid in PACED:
            # what Scope (or a script over its REST API) may send: ignored, never raised
            import logging

            warned = []

            class _Count(logging.Handler):
                def emit(self, record):
                    warned.append(record.getMessage())

            logging.getLogger(cls.__module__).addHandler(_Count())
            sturdy = cls(**{**schema_defaults, **load})
            fnum = next(n for n, k in sturdy_kinds(cls).items() if k == "float")
            raised = {}
            for kw in ({"seed": float("inf")}, {"seed": -1}, {"seed": "7.5"},
                       {"fps": float("nan")}, {"fps": 0}, {"fps": "abc"},
                       {fnum: float("inf")}, {fnum: "1e400"}):
                try:
                    sturdy(**kw)
                except Exception as exc:  # noqa: BLE001
                    raised[repr(kw)] = repr(exc)
            n0 = len(warned)
            for _ in range(5):
                sturdy(**{fnum: "abc"})
            rec["sturdy"] = {"raised": raised, "seed": sturdy.seed, "fps": sturdy.fps,
                             "warnings_for_5_same_bad": len(warned) - n0}
            try:
                cls(**{**schema_defaults, **load, "grid_size": 8208})
                rec["sturdy"]["load_error"] = None
            except ValueError as exc:
                rec["sturdy"]["load_error"] = str(exc)
            slow = cls(**{**schema_defaults, **load, "fps": 2.0})
            slow()
            slow()  # now due in 0.5 s
            t0 = time.perf_counter()
            slow(fps=60.0)
            rec["sturdy"]["raise_fps_wait"] = time.perf_counter() - t0
            pace = cls(**{**schema_defaults, **load, "fps": 25.0})
            pace(init_cache=True)
            t0 = time.perf_counter()
            for _ in range(10):
                pace()
            t25 = time.perf_counter() - t0
            t0 = time.perf_counter()
            for _ in range(10):
                pace(fps=50.0)
            t50 = time.perf_counter() - t0
            t0 = time.perf_counter()
            for _ in range(5):
                pace.runtime.step()
            step = (time.perf_counter() - t0) / 5
            rec["pacing"] = {"t25": t25, "t50": t50, "step": step}
    except _NotRun:
        pass
    except Exception as exc:  # report, keep checking the others
        import traceback

        rec["error"] = "".join(traceback.format_exception(exc))
    rec["seconds"] = time.perf_counter() - t_start
    results["plugins"][pid] = rec

# GPU choice: torch sees CUDA but the vendored runtime says CuPy can't run -> NumPy, and
# the log says why (checked on one plugin: the template is shared)
if registered and PART == 0:
    import importlib
    import logging

    mod = importlib.import_module(registered[0].__module__)
    rt_backend = importlib.import_module(mod.__package__ + "._cagraph_runtime.backend")
    seen = []

    class _Catch(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    mod.logger.addHandler(_Catch())
    real_cuda, real_status = torch.cuda.is_available, rt_backend.cuda_status
    try:
        torch.cuda.is_available = lambda: True
        rt_backend.cuda_status = lambda: (False, "no CUDA device is usable (test)")
        results["gpu_fallback"] = {"auto": mod.pick_backend("auto"), "log": seen[:]}
        rt_backend.cuda_status = lambda: (True, "")
        results["gpu_choice"] = mod.pick_backend("auto")
    finally:
        torch.cuda.is_available, rt_backend.cuda_status = real_cuda, real_status

results["leaked_modules"] = sorted(m for m in sys.modules
                                   if m.split(".")[0] in ("nodes", "scope_export", "graph_app",
                                                          "PySide6", "NodeGraphQt"))
results["registered"] = len(registered)
(OUT / f"results_{PART}.json").write_text(json.dumps(results, default=repr, indent=1))
