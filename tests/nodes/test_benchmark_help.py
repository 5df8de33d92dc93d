"""The benchmarks a note quotes say what each of their options does (`--help`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("script", ["editor_preview_fps.py", "bench_presets.py",
                                    "cpu_ceiling.py"])
def test_every_option_has_help(script):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "COLUMNS": "100"}
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), "--help"],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    opts = r.stdout.split("options:", 1)[1]
    # each option's entry: its flag (and metavar) then some words, on its line or the next
    entries = re.split(r"\n(?=  -)", opts.strip("\n"))
    flags = [e for e in entries if e.lstrip().startswith("--") and not e.lstrip().startswith("-h")]
    assert len(flags) >= 3, r.stdout
    for e in flags:
        head, *rest = e.strip().split("\n")
        words = re.sub(r"^--[\w-]+(?: [A-Z_{}.,\[\]0-9 ]+?)?(?=  |$)", "", head).strip()
        assert words or any(line.strip() for line in rest), f"{script}: {e!r} has no help"


@pytest.mark.parametrize("script,args,words", [
    ("editor_preview_fps.py", ["--param", "nosuch"], "--param nosuch: engine.lenia has no such"),
    ("editor_preview_fps.py", ["--graph", "nosuch.graph"], "nosuch.graph: cannot read"),
    ("cpu_ceiling.py", ["--graph", "nosuch.graph"], "nosuch.graph: cannot read"),
])
def test_a_bad_option_is_one_line_before_anything_runs(script, args, words):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert words in r.stderr.strip().splitlines()[-1], r.stderr
