"""The organism steers Krea through Scope's own chain (not run in CI: needs Scope).

For a machine with Scope's code importable and no GPU, like
real_scope_server_check.py (whose in-process server and CPU stand-in for
``krea-realtime-video`` it reuses): exports amoeba with a *Measure Organism* node
whose coverage drives a *Krea Parameters* node (``noise_scale``), installs the
export into this Python's environment, starts Scope's server in-process, runs
``cagraph scope launch`` and records the parameters the stand-in Krea receives
on each call.  Scope's PipelineProcessor forwards the CA pipeline's extra output
keys downstream, so::

    python tests/scope_export/real_scope_steering_check.py [--cagraph CMD]

checks that Krea receives ``noise_scale`` (with ``noise_controller`` off), that
the values change with the organism and are ones cagraph's runtime computes for
the same graph, and that ``cagraph scope set steer_krea=false`` stops them.
Exit status 0 when every check passes.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import real_scope_server_check as base  # noqa: E402


def steering_doc() -> dict:
    doc = json.loads((ROOT / "graphs" / "amoeba.graph").read_text())
    doc["meta"]["name"] = "steer"
    doc["nodes"] += [
        {"id": "measure", "type": "analysis.measure", "params": {}},
        {"id": "krea", "type": "out.krea_params", "params": {"max_rate": 0.0}},
    ]
    doc["links"] += [
        {"src": {"node": "engine", "port": "field"}, "dst": {"node": "measure", "port": "field"}},
        {"src": {"node": "measure", "port": "coverage"},
         "dst": {"node": "krea", "port": "noise_scale"}},
    ]
    doc["published"].append({"name": "steer_krea", "node": "krea", "param": "enabled",
                             "label": "Steer Krea", "order": 99})
    return doc


def expected_values(graph_path: Path, frames: int, width: int, height: int) -> set[float]:
    import nodes
    from nodes.library.measure import DOWNSTREAM

    rt = nodes.Runtime(nodes.load(graph_path), backend="numpy", width=width, height=height)
    out = set()
    for _ in range(frames):
        rt.step()
        sent = rt.ctx.stats.pop(DOWNSTREAM, {})
        if "noise_scale" in sent:
            out.add(sent["noise_scale"])
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cagraph", default=shutil.which("cagraph") or "cagraph")
    ap.add_argument("--seconds", type=float, default=20.0, help="how long to record")
    ap.add_argument("--no-deps", action="store_true",
                    help="install the export without its dependencies (an environment that "
                         "has numpy/scipy/numba and no CUDA, where cupy-cuda12x is useless)")
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    failures: list[str] = []

    def check(ok: bool, what: str) -> None:
        print(("ok    " if ok else "FAIL  ") + what, flush=True)
        if not ok:
            failures.append(what)

    work = Path(tempfile.mkdtemp(prefix="cagraph-steer-"))
    graph = work / "steer.graph"
    graph.write_text(json.dumps(steering_doc()))
    from scope_export.exporter import export

    res = export(graph, work / "plugin")
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                          *(["--no-deps"] if a.no_deps else []), str(res.out_dir)],
                         capture_output=True, text=True, timeout=600)
    check(pip.returncode == 0, f"installed {res.names.dist_name} into Scope's environment"
                               + ("" if pip.returncode == 0 else f": {pip.stderr[-300:]}"))

    received: list[dict] = []
    real_stand_in = base._stand_in_krea

    def recording_stand_in(record):
        cls = real_stand_in(record)
        call = cls.__call__

        def __call__(self, **kw):
            received.append({k: kw.get(k) for k in ("noise_scale", "noise_controller")})
            return call(self, **kw)

        cls.__call__ = __call__
        return cls

    base._stand_in_krea = recording_stand_in
    record: dict = {}
    port = base._free_port()
    url = f"http://127.0.0.1:{port}"
    servers: list = []
    thread = threading.Thread(target=base.serve, args=(port, record, servers), daemon=True)
    thread.start()
    base.wait_up(url)
    launch = subprocess.run([a.cagraph, "scope", "launch", str(graph), "--server", url,
                             "--out", str(res.out_dir), "--timeout", "120"],
                            capture_output=True, text=True, timeout=300, cwd=work)
    print(launch.stdout[-1200:] + launch.stderr[-1200:])
    check(launch.returncode == 0, "cagraph scope launch exited 0")
    time.sleep(a.seconds)
    on = [r for r in received if r["noise_scale"] is not None]
    values = [r["noise_scale"] for r in on]
    check(len(set(values)) > 1, f"the stand-in Krea received noise_scale from the CA "
                                f"pipeline, {len(set(values))} distinct values in "
                                f"{len(received)} calls")
    check(all(r["noise_controller"] is False for r in on),
          "noise_controller arrives off with it (Krea would override noise_scale)")
    check(all(0.0 <= v <= 1.0 for v in values), "every value within Krea's 0..1")
    want = expected_values(graph, 2000, res.width, res.height)
    stray = sorted(set(values) - want)
    check(not stray, f"the values are the organism's coverage as cagraph's runtime computes "
                     f"it ({len(set(values) & want)} matched, stray: {stray[:5]})")
    off = subprocess.run([a.cagraph, "scope", "set", "--server", url, "steer_krea=false"],
                         capture_output=True, text=True, timeout=120)
    check(off.returncode == 0, "cagraph scope set steer_krea=false exited 0"
          + ("" if off.returncode == 0 else f": {off.stderr.strip()[-300:]}"))
    time.sleep(3.0)
    seen = len(received)
    last = received[-1]["noise_scale"] if received else None
    time.sleep(a.seconds / 2)
    later = {r["noise_scale"] for r in received[seen:]}
    check(len(received) > seen and later <= {last},
          f"switched off, Krea keeps its last value ({last}) and gets no new ones "
          f"({len(received) - seen} calls, values {sorted(v for v in later if v is not None)[:5]})")
    check(base.stop(url, servers, thread), "Scope's session and server stopped before exit")
    subprocess.run([sys.executable, "-m", "pip", "uninstall", "-y", "-q", res.names.dist_name],
                   capture_output=True, timeout=300)
    print("PASS" if not failures else f"FAIL ({len(failures)})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
