"""The GPU check's report, written from stand-in measurements (no GPU needed).

A device run is scarce (minutes per session, drawn by chance): a slip in the
report code after the measurements would waste one.  This runs the script's
``main`` with every measuring function replaced by a stand-in and checks what
it writes, and times real frames of a NumPy runtime with ``time_frames``.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def gc():
    path = ROOT / "benchmarks" / "gpu_check.py"
    spec = importlib.util.spec_from_file_location("gpu_check", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_report_from_stand_in_measurements(gc, monkeypatch, tmp_path):
    fps = {512: 1500.0, 1024: 1100.0}
    monkeypatch.setattr(gc, "cuda_available", lambda: True)
    monkeypatch.setattr(gc, "env_info", lambda: {
        "device": "Stand-in GPU", "cupy": "0", "cuda_runtime": 0, "driver": 0, "numpy": "0",
        "numba": "0", "python": "3", "cpus": 16, "numpy_kernels": "numba"})
    monkeypatch.setattr(gc, "bench_cupy", lambda name, size, quick: {
        "fps": fps[size], "fps_sync_each_frame": fps[size] / 2, "frames": 100,
        "mem_used_mib": 150.0, "pool_total_mib": 160.0})
    monkeypatch.setattr(gc, "bench_numpy", lambda name, size, quick: {"fps": 40.0, "frames": 3})
    monkeypatch.setattr(gc, "profile", lambda name, size, sync=True: {
        "engine": 300.0 if sync else 120.0, "bloom": 90.0})
    busy = {"amoeba": {"gpu_us": 250.0, "host_us": 800.0, "valid": True}}
    monkeypatch.setattr(gc, "gpu_busy", lambda name, size: busy.get(name) or {
        "gpu_us": 100.0, "host_us": 500.0, "valid": False})

    def no_torch(name, size):
        raise RuntimeError("no torch here")

    monkeypatch.setattr(gc, "bench_torch_handoff", no_torch)
    monkeypatch.setattr(gc, "long_run", lambda name, size, frames: {
        "fps": 990.0, "marks": {"100": {"used_mib": 150.0, "total_mib": 160.0}}})
    assert gc.main(["--out", str(tmp_path), "--sizes", "512", "1024", "--long-frames", "10"]) == 0
    md = (tmp_path / "gpu_results.md").read_text()
    assert "| amoeba | lenia | 1500 | 40.0 | 38x | 1100 | 40.0 | 28x |" in md
    assert "synchronised after every frame" in md and "amoeba 512: 750, 1024: 550" in md
    assert "| amoeba | 250 | 800 | 4000 | True |" in md
    assert "- amoeba: engine 120, bloom 90 (sum 210)" in md
    assert "no torch here" in md  # a failed handoff is reported, not fatal
    data = json.loads((tmp_path / "gpu_results.json").read_text())
    assert set(data) >= {"results", "profile_us", "profile_host_us", "device_time_us"}
    assert data["device_time_us"]["nebula"]["valid"] is False


def test_time_frames_counts_frames_on_numpy(gc):
    rt = gc.runtime("amoeba", "numpy", 32)
    fps, n = gc.time_frames(rt, 2, 12, 12, 0.0)
    assert n == 12 and fps > 0 and rt.frame >= 12 + rt.warmup_frames
    fps1, n1 = gc.time_frames(rt, 0, 5, 5, 0.0, sync_every=1)
    assert n1 == 5 and fps1 > 0
