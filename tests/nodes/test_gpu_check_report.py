"""The GPU check's report, written from stand-in measurements (no GPU needed).

A device run is scarce (minutes per session, drawn by chance): a slip in the
report code after the measurements would waste one.  This runs the script's
``main`` with every measuring function replaced by a stand-in and checks what
it writes, and times real frames of a NumPy runtime with ``time_frames``.
"""

from __future__ import annotations

import json

import pytest
from nodes_helpers import benchmark_module


@pytest.fixture(scope="module")
def gc():
    return benchmark_module("gpu_check")


def _stand_ins(gc, monkeypatch, fps, fail=()):
    """Every measuring function replaced; ``fail``: (preset, size) whose CuPy run raises."""
    monkeypatch.setattr(gc, "cuda_available", lambda: True)
    monkeypatch.setattr(gc, "env_info", lambda: {
        "device": "Stand-in GPU", "cupy": "0", "cuda_runtime": 0, "driver": 0, "numpy": "0",
        "numba": "0", "python": "3", "cpus": 16, "numpy_kernels": "numba"})

    def bench_cupy(name, size, quick):
        if (name, size) in fail:
            raise RuntimeError("CUDA_ERROR_ILLEGAL_ADDRESS stand-in")
        return {"fps": fps.get((name, size), fps[size]), "fps_sync_each_frame": fps[size] / 2,
                "frames": 100, "mem_used_mib": 150.0, "pool_total_mib": 160.0}

    monkeypatch.setattr(gc, "bench_cupy", bench_cupy)
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
        "fps": 990.0, "frames": frames, "finite": True, "final_mean": 0.2,
        "marks": {"100": {"used_mib": 150.0, "total_mib": 160.0},
                  str(frames): {"used_mib": 150.0, "total_mib": 160.0}}})


def test_report_from_stand_in_measurements(gc, monkeypatch, tmp_path):
    _stand_ins(gc, monkeypatch, {512: 1500.0, 1024: 1100.0})
    assert gc.main(["--out", str(tmp_path), "--sizes", "512", "1024", "--long-frames", "10"]) == 0
    md = (tmp_path / "gpu_results.md").read_text()
    assert "| amoeba | lenia | 1500 | 40.0 | 38x | 1100 | 40.0 | 28x |" in md
    assert "synchronised after every frame" in md and "amoeba 512: 750, 1024: 550" in md
    assert "| amoeba | 250 | 800 | 4000 | True |" in md
    assert "- amoeba: engine 120, bloom 90 (sum 210)" in md
    assert "no torch here" in md  # a failed handoff is reported, not fatal
    # 1100 fps is 28x the stand-in NumPy's 40: the ratio target fails, the others pass
    assert "- FAIL amoeba @1024: 1100 fps (>= 1000), 28x NumPy (>= 30x) MISSED, 150 MiB (< 256)" in md
    assert "- PASS long run (10 frames): pool used 150.0 -> 150.0 MiB" in md
    assert "Partial report" not in md
    data = json.loads((tmp_path / "gpu_results.json").read_text())
    assert set(data) >= {"results", "profile_us", "profile_host_us", "device_time_us"}
    assert data["device_time_us"]["nebula"]["valid"] is False
    assert data["complete"] is True


def test_a_failing_preset_is_reported_and_the_rest_measured(gc, monkeypatch, tmp_path):
    _stand_ins(gc, monkeypatch, {512: 1500.0, 1024: 1300.0, ("sl_gliders", 1024): 450.0},
               fail={("reef", 1024)})
    assert gc.main(["--out", str(tmp_path), "--sizes", "512", "1024", "--long-frames", "10"]) == 0
    md = (tmp_path / "gpu_results.md").read_text()
    assert "| reef | grayscott | 1500 | 40.0 | 38x | error | - | - |" in md
    assert "- reef cupy 1024: RuntimeError: CUDA_ERROR_ILLEGAL_ADDRESS stand-in" in md
    assert "- NOT MEASURED reef @1024: RuntimeError" in md
    assert "- PASS amoeba @1024: 1300 fps (>= 1000), 32x NumPy (>= 30x)" in md
    assert "- FAIL sl_gliders @1024: 450 fps (>= 500) MISSED" in md
    assert "| mnca_coral | 1500 | 1300 |" not in md  # fps never lands in the memory table
    assert "| mnca_coral | 150 | 150 |" in md


def test_the_report_is_written_as_the_check_goes(gc, monkeypatch, tmp_path):
    """A run cut off by its time limit still leaves the figures measured so far."""
    _stand_ins(gc, monkeypatch, {512: 1500.0, 1024: 1100.0})

    def cut_off(name, size, frames):
        raise KeyboardInterrupt  # not an Exception: stands for the run being killed

    monkeypatch.setattr(gc, "long_run", cut_off)
    with pytest.raises(KeyboardInterrupt):
        gc.main(["--out", str(tmp_path), "--sizes", "512", "1024"])
    md = (tmp_path / "gpu_results.md").read_text()
    assert "Partial report" in md
    assert "| mnca_coral | mnca | 1500 | 40.0 | 38x | 1100 | 40.0 | 28x |" in md
    assert not list(tmp_path.glob("*.tmp"))


def test_diagnostics_are_skipped_past_the_budget(gc, monkeypatch, tmp_path):
    _stand_ins(gc, monkeypatch, {512: 1500.0, 1024: 1100.0})
    called = []
    monkeypatch.setattr(gc, "gpu_busy", lambda name, size: called.append(name))
    assert gc.main(["--out", str(tmp_path), "--sizes", "512", "--long-frames", "10",
                    "--budget-s", "0"]) == 0
    md = (tmp_path / "gpu_results.md").read_text()
    assert called == []
    assert "Skipped to stay within the time budget: profiles of amoeba" in md
    assert "- FAIL long run" not in md and "- PASS long run" in md


def test_time_frames_counts_frames_on_numpy(gc):
    rt = gc.runtime("amoeba", "numpy", 32)
    fps, n = gc.time_frames(rt, 2, 12, 12, 0.0)
    assert n == 12 and fps > 0 and rt.frame >= 12 + rt.warmup_frames
    fps1, n1 = gc.time_frames(rt, 0, 5, 5, 0.0, sync_every=1)
    assert n1 == 5 and fps1 > 0
