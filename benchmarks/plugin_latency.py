"""Load time and first-call latency of an exported Scope plugin.

Exports a graph (default graphs/amoeba.graph) into a temporary folder, imports the
plugin's pipeline the way Scope does (Scope's own modules when they are importable,
else the stand-in in tests/scope_export/fake_scope), then times: loading (the
pipeline's __init__: graph compile, numba's kernels (compiled, or read from numba's
disk cache), the first frame made), the first call (what Krea waits for) and the
steady calls after it.  Run twice to see the numba disk cache at work.

    python benchmarks/plugin_latency.py [GRAPH] [--grid 512] [--size 576x320] [--calls 20]
    python benchmarks/plugin_latency.py --out DIR; then again with --out DIR --reuse
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("graph", nargs="?", default=str(ROOT / "graphs" / "amoeba.graph"))
    ap.add_argument("--grid", type=int, default=512)
    ap.add_argument("--size", default="576x320")
    ap.add_argument("--calls", type=int, default=20)
    ap.add_argument("--out", default=None, help="export folder (default: a temporary one; "
                    "a fixed one with --reuse keeps numba's disk cache between runs)")
    ap.add_argument("--reuse", action="store_true",
                    help="use the export already in --out (numba's cache lives beside it)")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    try:
        import scope.core.pipelines.interface  # noqa: F401  (real Scope)
        which = "Scope's own modules"
    except ImportError:
        sys.path.insert(0, str(ROOT / "tests" / "scope_export" / "fake_scope"))
        which = "the Scope stand-in (tests/scope_export/fake_scope)"
    import nodes
    from scope_export.exporter import derive_names, export

    out = Path(a.out) if a.out else Path(tempfile.mkdtemp(prefix="cagraph-latency-"))
    names = derive_names(nodes.load(a.graph), None, a.graph)
    if a.reuse and (out / names.module / "pipeline.py").exists():
        res = SimpleNamespace(out_dir=out.resolve(), names=names,
                              width=int(a.size.split("x")[0]), height=int(a.size.split("x")[1]))
    else:
        res = export(a.graph, out, size=a.size, check_loras=False)
    w, h = res.width, res.height
    sys.path.insert(0, str(res.out_dir))
    t0 = time.perf_counter()
    mod = importlib.import_module(f"{res.names.module}.pipeline")
    t_import = time.perf_counter() - t0
    cls = next(v for k, v in vars(mod).items() if k.endswith("Pipeline") and k != "Pipeline")
    cfg = cls.get_config_class()
    defaults = {k: f.default for k, f in cfg.model_fields.items() if f.default is not None}
    t0 = time.perf_counter()
    pipe = cls(**{**defaults, "grid_size": a.grid, "height": h, "width": w, "fps": 240.0})
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    first = pipe(init_cache=True)  # Scope's first call always sets init_cache
    t_first = time.perf_counter() - t0
    steady = []
    for _ in range(a.calls):
        t0 = time.perf_counter()
        pipe()
        steady.append(time.perf_counter() - t0)
    mean = float(first["video"].mean())
    print(f"plugin {res.names.pipeline_id} ({a.graph}) through {which}")
    print(f"grid {a.grid}, frame {w}x{h}, backend {pipe.backend}, fps cap 240")
    print(f"import: {t_import * 1e3:.0f} ms")
    print(f"load (__init__, first frame made): {t_load:.2f} s "
          f"(of it the first frame: {pipe.warm_seconds:.2f} s)")
    print(f"first call: {t_first * 1e3:.1f} ms (frame mean {mean:.3f})")
    print(f"steady calls: median {statistics.median(steady) * 1e3:.1f} ms, "
          f"max {max(steady) * 1e3:.1f} ms over {a.calls}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
