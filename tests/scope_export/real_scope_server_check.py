"""`cagraph scope launch` and `cagraph scope set` against a real Daydream Scope server.

For a machine with Scope's code importable (installed, or its ``src/`` on
``PYTHONPATH``) and an exported cagraph plugin installed, but no GPU: Krea
Realtime only registers on CUDA machines, so this script starts Scope's own
server (its FastAPI app, PipelineManager, graph executor, FrameProcessor and
headless sessions) in this process with ONE stand-in: a CPU pipeline registered
as ``krea-realtime-video`` that takes its VACE input frames, records its load
params and passes the frames through.  Everything cagraph talks to is Scope's::

    python tests/scope_export/real_scope_server_check.py graphs/amoeba.graph \\
        --lora path/in/the/lora/folder.safetensors

Checks: ``scope launch`` finds the plugin installed, loads ``[ca, krea]`` with
the LoRAs as absolute paths in Krea's load params, waits for ``loaded`` and
starts a headless session source -> CA -> Krea (VACE input) -> sink; the sink's
frames are the CA's (the organism reaches Krea's VACE input); ``scope set``
changes a published parameter of the running session and the frames change, and
``scope set --lora-scale`` reaches Krea as its ``lora_scales``.
Exit status 0 when every check passes.
"""

from __future__ import annotations

import argparse
import io
import logging
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np

KREA = "krea-realtime-video"
#: frames the stretched organism is given to reach the side bars after `scope set fit=stretch`
STRETCH_FRAMES = 900


def _stand_in_krea(record: dict):
    """A CPU stand-in for Krea Realtime: VACE input frames in, the same frames out."""
    import torch
    from scope.core.nodes.base import Requirements
    from scope.core.pipelines.base_schema import BasePipelineConfig, ModeDefaults
    from scope.core.pipelines.interface import Pipeline

    class KreaStandInConfig(BasePipelineConfig):
        pipeline_id = KREA
        pipeline_name = "Krea Realtime Video (CPU stand-in)"
        supports_lora = True
        supports_vace = True
        inputs = ["video", "vace_input_frames", "vace_input_masks"]
        modes = {"text": ModeDefaults(default=True), "video": ModeDefaults()}

    class KreaStandIn(Pipeline):
        @classmethod
        def get_config_class(cls):
            return KreaStandInConfig

        def __init__(self, **load_params):
            record["load_params"] = load_params
            self.loaded_lora_adapters = [
                {"path": lo["path"], "scale": lo["scale"], "merge_mode": lo.get("merge_mode")}
                for lo in load_params.get("loras") or []]

        def prepare(self, **kwargs):
            return Requirements(input_size=1)

        def __call__(self, **kwargs):
            frames = kwargs.get("vace_input_frames")
            record["calls"] = record.get("calls", 0) + 1
            record["last_kwargs"] = sorted(kwargs)
            if kwargs.get("lora_scales") is not None:
                record["lora_scales"] = kwargs["lora_scales"]
            if not frames:
                return {}
            video = torch.cat([f.float() / 255.0 for f in frames], dim=0)  # (T, H, W, 3)
            return {"video": video}

    return KreaStandIn


def serve(port: int, record: dict, servers: list) -> None:
    """Scope's own server app, with the Krea stand-in registered and loadable.  The
    uvicorn server is put in ``servers`` so the caller can stop it (its lifespan
    shutdown unloads the pipelines and stops Scope's threads)."""
    import uvicorn
    from scope.core.pipelines.registry import PipelineRegistry
    from scope.server import pipeline_manager as pm
    from scope.server.app import app

    stand_in = _stand_in_krea(record)
    PipelineRegistry.register(KREA, stand_in)
    real_load = pm.PipelineManager._load_pipeline_implementation

    def load(self, pipeline_id, load_params=None, stage_callback=None, node_id=None):
        if pipeline_id == KREA:  # Scope builds the real one from its model files
            return stand_in(**(load_params or {}))
        return real_load(self, pipeline_id, load_params, stage_callback, node_id)

    pm.PipelineManager._load_pipeline_implementation = load
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    servers.append(server)
    server.run()


def stop(url: str, servers: list, thread: threading.Thread, timeout_s: float = 60.0) -> bool:
    """Stop the session (its processor threads), then the server (its lifespan unloads the
    pipelines), and wait for the server thread: a process that exits with Scope's threads
    still running aborts in C++ (``terminate called without an active exception``)."""
    try:
        req = urllib.request.Request(url + "/api/v1/session/stop", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req, timeout=30).read()
    except Exception as exc:  # no session: nothing to stop
        print(f"note  session/stop: {exc}")
    for server in servers:
        server.should_exit = True
    thread.join(timeout_s)
    return not thread.is_alive()


def wait_up(url: str, timeout_s: float = 600.0) -> None:
    """Wait for the in-process server to answer: importing Scope's app and starting it
    takes a minute or more on a loaded machine."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/api/v1/pipeline/status", timeout=5)
            return
        except Exception:
            time.sleep(0.5)
    print(f"note  the server at {url} did not answer in {timeout_s:.0f}s")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _frame(url: str) -> np.ndarray | None:
    from PIL import Image

    try:
        with urllib.request.urlopen(url + "/api/v1/session/frame", timeout=10) as r:
            return np.asarray(Image.open(io.BytesIO(r.read())).convert("RGB"), np.float32)
    except Exception:
        return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("graph")
    ap.add_argument("--lora", action="append", default=[])
    ap.add_argument("--cagraph", default=shutil.which("cagraph") or "cagraph",
                    help="the cagraph command (default: the one on PATH)")
    ap.add_argument("--set", default="fit=stretch",
                    help="NAME=VALUE sent with `cagraph scope set` (default fit=stretch)")
    ap.add_argument("--save", default=None, help="folder for the captured frames (PNG)")
    ap.add_argument("--lora-merge-mode", default="runtime_peft",
                    help="runtime_peft (default) lets the check change a LoRA scale live")
    ap.add_argument("--ssh", default=None, help="user@host[:port] passed to `scope launch "
                    "--ssh` (the package goes there by scp/rsync and Scope installs it from "
                    "that path); with --remote-dir")
    ap.add_argument("--remote-dir", default=None)
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    failures: list[str] = []

    def check(ok: bool, what: str) -> None:
        print(("ok    " if ok else "FAIL  ") + what, flush=True)
        if not ok:
            failures.append(what)

    record: dict = {}
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    servers: list = []
    thread = threading.Thread(target=serve, args=(port, record, servers), daemon=True)
    thread.start()
    try:
        rc = run_checks(a, url, record, check, failures)
    finally:
        stopped = stop(url, servers, thread)
    check(stopped, "Scope's session and server stopped before exit")
    print("PASS" if not failures else f"{len(failures)} check(s) failed", flush=True)
    return 0 if rc == 0 and not failures else 1


def run_checks(a, url: str, record: dict, check, failures: list) -> int:
    wait_up(url)

    cagraph = [a.cagraph]
    work = Path(tempfile.mkdtemp(prefix="cagraph-launch-cwd-"))
    launch = subprocess.run(
        [*cagraph, "scope", "launch", str(Path(a.graph).resolve()), "--server", url,
         "--timeout", "120", *sum((["--lora", str(Path(lo).resolve()) if Path(lo).exists()
                                     else lo] for lo in a.lora), []),
         "--lora-merge-mode", a.lora_merge_mode,
         *(["--ssh", a.ssh] if a.ssh else []),
         *(["--remote-dir", a.remote_dir] if a.remote_dir else [])],
        capture_output=True, text=True, timeout=300, cwd=work)
    print(launch.stdout[-1500:] + launch.stderr[-1500:])
    check(launch.returncode == 0, "cagraph scope launch exited 0")
    left = sorted(p.name for p in work.iterdir())
    check(not left, f"scope launch without --out left nothing in the current folder ({left})")
    shutil.rmtree(work, ignore_errors=True)
    lp = record.get("load_params") or {}
    loras = lp.get("loras") or []
    check(len(loras) == len(a.lora) and all(Path(lo["path"]).is_absolute() for lo in loras),
          f"Krea's load params carry {len(loras)} LoRA(s) by absolute path "
          f"({[lo.get('path') for lo in loras]}), size {lp.get('width')}x{lp.get('height')}")

    frames = []
    deadline = time.time() + 60
    while time.time() < deadline and len(frames) < 2:
        f = _frame(url)
        if f is not None and f.mean() > 1.0:
            frames.append(f)
        time.sleep(0.5)
    check(bool(frames), f"the session's sink shows frames ({len(frames)} captured; stand-in "
                        f"Krea called {record.get('calls', 0)} times with "
                        f"{record.get('last_kwargs')})")
    if not frames:
        return 1
    before = frames[-1]
    h, w = before.shape[:2]
    side = (w - h) // 2  # contain: the square simulation spans the middle h columns

    def lit_outside(img):  # columns outside the middle square with visible content
        cols = np.concatenate([img[:, : side - 2], img[:, w - side + 2:]], axis=1)
        return int((cols.max(axis=(0, 2)) > 40).sum())

    check(lit_outside(before) == 0, f"the organism arrives as fitted by the graph (contain: "
                                    f"{lit_outside(before)} lit columns in the side bars)")

    set_run = subprocess.run([*cagraph, "scope", "set", "--server", url, a.set],
                             capture_output=True, text=True, timeout=120)
    print(set_run.stdout[-800:] + set_run.stderr[-800:])
    check(set_run.returncode == 0, f"cagraph scope set {a.set} exited 0")
    after = None
    # the change reaches the sink within a few frames, but the stretched organism takes a
    # number of *frames* to grow into the side bars, and under load frames come slowly: the
    # deadline counts the frames Krea has been handed since the set (STRETCH_FRAMES), with
    # a wall-clock cap only so a stalled session cannot hang the check
    start_calls = record.get("calls", 0)
    wall_cap = time.time() + 600
    while time.time() < wall_cap and record.get("calls", 0) - start_calls < STRETCH_FRAMES:
        time.sleep(0.5)
        after = _frame(url)
        if after is None:
            continue
        if a.set != "fit=stretch":
            if np.abs(after - before).mean() > 2.0:
                break
        elif lit_outside(after) > 20:
            break
    print(f"note  waited {record.get('calls', 0) - start_calls} frames after the set")
    moved = after is not None and np.abs(after - before).mean()
    check(after is not None and moved > 2.0,
          f"the running session's frames changed after the set (mean |diff| {moved:.1f})")
    if a.set == "fit=stretch" and after is not None:
        check(lit_outside(after) > 20, f"stretch spreads the organism into the side bars "
                                       f"({lit_outside(after)} lit columns)")
    if loras and a.lora_merge_mode == "runtime_peft":
        name = Path(loras[0]["path"]).name
        ls = subprocess.run([*cagraph, "scope", "set", "--server", url, "--lora-scale",
                             f"{name}=0.3"], capture_output=True, text=True, timeout=120)
        print(ls.stdout[-500:] + ls.stderr[-500:])
        for _ in range(20):
            if record.get("lora_scales"):
                break
            time.sleep(0.25)
        check(ls.returncode == 0 and record.get("lora_scales") == [
            {"path": loras[0]["path"], "scale": 0.3}],
            f"cagraph scope set --lora-scale {name}=0.3 reached Krea as "
            f"{record.get('lora_scales')}")
    if a.save:
        from PIL import Image

        Path(a.save).mkdir(parents=True, exist_ok=True)
        for name, img in (("before", before), ("after", after)):
            if img is not None:
                Image.fromarray(img.astype(np.uint8)).save(Path(a.save) / f"{name}.png")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
