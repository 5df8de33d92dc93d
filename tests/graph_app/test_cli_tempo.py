"""`cagraph render GRAPH --bpm N` as a person runs it (a subprocess writing PNGs): the
beat_pulse organism's brightness pulses at the take's tempo, measured from the frames."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
BEAT_PULSE = ROOT / "graphs" / "beat_pulse.graph"


def _render(out: Path, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "CAGRAPH_KERNELS": "reference"}
    return subprocess.run([sys.executable, "-m", "graph_app.cli", "render", str(BEAT_PULSE),
                           "--size", "48", "--backend", "numpy", "--out", f"{out}/", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def brightness_period(means: np.ndarray, lo: int = 6, hi: int = 60) -> int:
    """The period in frames of a brightness series: the first autocorrelation peak within
    10 % of the highest, of the frame-to-frame changes (the organism's own slow drift in
    brightness drops out of them)."""
    x = np.diff(means)
    x = x - x.mean()
    ac = np.array([np.dot(x[:-k], x[k:]) / (len(x) - k) for k in range(lo, hi + 1)])
    peaks = [i for i in range(1, len(ac) - 1) if ac[i] >= ac[i - 1] and ac[i] >= ac[i + 1]]
    best = max(ac[i] for i in peaks)
    return lo + next(i for i in peaks if ac[i] >= 0.9 * best)


@pytest.mark.parametrize("bpm,period", [(120, 15), (90, 20)])
def test_beat_pulse_brightness_pulses_at_the_takes_tempo(tmp_path, bpm, period):
    res = _render(tmp_path / "take", "--frames", "120", "--fps", "30", "--bpm", str(bpm))
    assert res.returncode == 0, res.stderr[-2000:]
    frames = sorted((tmp_path / "take").glob("*.png"))
    assert len(frames) == 120
    means = np.array([np.asarray(Image.open(f), dtype=np.float32).mean() for f in frames])
    # 30 fps: a beat at 120 bpm is 15 frames, at 90 bpm 20
    assert brightness_period(means) == period
    # and the pulse starts on the take's first frame, one beat after another
    peaks = [k for k in range(1, 119) if means[k] > means[k - 1] + 1.0]
    assert peaks == list(range(period, 120, period)), (peaks, means.round(1).tolist())


def test_bpm_out_of_range_is_one_line(tmp_path):
    res = _render(tmp_path / "take", "--frames", "2", "--bpm", "900")
    assert res.returncode == 2
    assert "--bpm" in res.stderr and "20..400" in res.stderr and "Traceback" not in res.stderr
