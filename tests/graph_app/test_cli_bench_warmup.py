"""`cagraph bench --warmup N` as a new user ran it (a subprocess): when the engines' own
start-up frames make the warm-up longer than asked, the output says which node and why."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from editor_helpers import cli_on_amoeba

ROOT = Path(__file__).resolve().parents[2]
AMOEBA = ROOT / "graphs" / "amoeba.graph"


def _bench(*args) -> str:
    return cli_on_amoeba("bench", "--frames", "2", *args)


def test_a_warm_up_longer_than_asked_names_the_engine_and_its_frames():
    import nodes

    lenia = nodes.load(AMOEBA).nodes["engine"].params
    steps, frames = lenia["warmup"], lenia.get("warmup_frames", 30)
    out = _bench("--warmup", "2")
    assert f"warm-up {frames + 1} frames, timing 2" in out
    assert (f"warm-up {frames + 1} frames, not the 2 asked: the Lenia node 'engine' runs "
            f"{steps} extra start-up steps") in out
    assert f"over its first {frames} frames" in out and "not steady state" in out
    # a bench is not a take: no start pre-roll runs, and it says so rather than leaving
    # the user to guess whether the 90 frames are in there
    assert f"no take's {nodes.START_PREROLL}-frame pre-roll" in out


def test_a_warm_up_as_long_as_asked_needs_no_explanation():
    out = _bench("--warmup", "40")
    assert "warm-up 40 frames, timing 2" in out and "not the" not in out


def test_piped_output_keeps_each_line_whole():
    # no COLUMNS, stdout/stderr piped (a log, a grep): no wrapping at 80 columns mid-phrase
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    r = subprocess.run([sys.executable, "-m", "graph_app.cli", "bench", str(AMOEBA), "--size",
                        "32", "--frames", "2", "--warmup", "2"], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    [why] = [ln for ln in lines if "not the 2 asked" in ln]
    assert why.endswith("pre-roll.") and len(why) > 200, why
    assert not any(ln.endswith(" ") for ln in lines), lines
