"""The exported pipeline and Scope's init_cache / beat reset (Scope's PipelineProcessor
sets init_cache=True on its first call and on a reset; with tempo sync and a beat
cache-reset rate it sends init_cache=True with a new random base_seed on a beat)."""

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
GRAPH = HERE.parents[1] / "graphs" / "amoeba.graph"


def _check(script: str, res, cwd: Path) -> dict:
    """Run tests/scope_export/<script>.py on an export (the Scope stand-in and the export on
    its path, the NumPy twin kernels: no numba compile in CI) and return its JSON report."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE / "fake_scope"),
                                                        str(res.out_dir)]),
               CAGRAPH_KERNELS="reference")
    out = subprocess.run([sys.executable, str(HERE / f"{script}.py"), res.names.module],
                         capture_output=True, text=True, timeout=300, env=env, cwd=cwd)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_first_call_hands_over_the_load_frame_and_beat_reset_is_a_choice(tmp_path):
    from scope_export.exporter import export

    res = export(GRAPH, tmp_path / "pkg", check_loras=False)
    r = _check("beat_reset_check", res, tmp_path)
    assert r["frame_at_load"] == 1  # made while loading, not in the first call
    assert r["first_call_is_load_frame"] and r["frame_after_first_call"] == 1
    assert r["reset_cache_restarts"]
    assert r["ignore"] == {"frame_went_on": True, "seed": 7, "differs_from_first": True}
    assert r["restart_equals_first"]
    assert r["reseed"] == {"seed": 789, "equals_fresh_789": True, "kept_after_resend": 789}
    assert r["bad_choice_kept"] == "reseed"
    assert r["beat_reset_field"] == {"enum": ["ignore", "restart", "reseed"],
                                     "default": "ignore"}
    assert r["beat_reset_ui"]["category"] == "input" and not r["beat_reset_ui"]["is_load_param"]


def test_the_plugin_follows_scopes_tempo_kwargs_over_its_own_clock(tmp_path):
    """beat_pulse exported, fed bpm/beat_phase/... as Scope's processor injects them from a
    clock at 90 bpm and another phase (its own is 120 bpm): every frame is at the kwargs'
    beat, the pulse (and the frame's brightness) follows it, the own clock fills the calls
    without them, a stop holds the beat, and without kwargs the graph's own bpm runs."""
    from scope_export.exporter import export

    res = export(HERE.parents[1] / "graphs" / "beat_pulse.graph", tmp_path / "pkg",
                 check_loras=False)
    r = _check("tempo_check", res, tmp_path)
    assert r["own_bpm"] == 120.0
    assert r["max_phase_error"] < 1e-6, r
    assert r["bpm_followed"] == 90.0
    assert r["bar_position_error"] < 1e-6
    assert r["beat_count"][0] == r["beat_count"][1]
    assert r["pulse_error"] < 1e-6
    assert r["brightness_follows_pulse"] > 0.9, json.dumps(r)
    assert abs(r["brightness_vs_own_clock"]) < 0.5, json.dumps(r)
    assert r["beats_seen"] >= 8 and r["rises_on_every_beat"], json.dumps(r)
    assert r["gap_max_error"] < 1e-6, r
    assert r["stopped_holds"] and r["bad_ignored"]
    assert abs(r["own_beats_per_second"] - r["own_expected"]) < 1e-6


def test_the_morph_slider_blends_the_shipped_snapshots(tmp_path):
    """amoeba ships two snapshots: its plugin's morph 0 is the graph as it is, morph 1
    changes the frames to snapshot B's; bad morph values are ignored."""
    from scope_export.exporter import export

    res = export(GRAPH, tmp_path / "pkg", check_loras=False)
    r = _check("morph_check", res, tmp_path)
    assert r["snapshots"] == ["amoeba", "surge"]
    assert r["morph0_equals_plain"] and r["morph1_changes_frames"]
    assert r["morph_state"] == ["amoeba", "surge", 1.0]
    assert r["morph1_equals_runtime_b"]
    assert r["bad_values_kept"] == ["amoeba", "surge", 1.0]
    assert r["fields"]["morph"] == {"minimum": 0.0, "maximum": 1.0, "enum": None,
                                    "default": 0.0}
    assert r["fields"]["snapshot_b"]["enum"] == ["amoeba", "surge"]
    assert r["fields"]["snapshot_b"]["default"] == "surge"


def test_snapshot_recall_waits_for_the_beat_or_bar_of_scopes_tempo(exports, tmp_path):
    """amoeba's plugin (the session's export), called as Scope calls it with its tempo
    kwargs (and every field on every call): a recall chosen at beat 5.3 quantised to the bar
    starts at beat 8, one to the beat at the next beat (over its transition), 'now' at once,
    a stopped clock at once; the frames are the runtime's own Runtime.recall fed the same
    beats; bad values are ignored."""
    res = exports["amoeba"]
    r = _check("recall_check", res, tmp_path)
    s, a = "surge", "amoeba"
    b = "between"
    # beats: 5.3 6.0 7.2 7.95 | 8.05 8.6 | 8.7 8.95 | 9.02 (the glide's start) 9.1 9.3 9.35
    # 9.4 (gliding, 0.02 s = 4.8 frames at 240 fps) 9.45 (there) | 9.5 9.6
    assert r["plugin"] == [a, a, a, a, s, s, s, s, s, b, b, b, b, a, s, s], r
    assert r["plugin"] == r["runtime"] and r["first_frame_differing"] is None, r
    assert r["recalled"] == [s, "now", 0.0]
    assert r["stopped"] == a
    assert r["kept"] == [a, "bar", 0.0]
    assert r["fields"]["recall"] == {"minimum": None, "maximum": None,
                                     "enum": ["amoeba", "surge"], "default": "amoeba"}
    assert r["fields"]["recall_quantise"]["enum"] == ["now", "beat", "bar"]
    assert r["fields"]["recall_transition"]["maximum"] == 60.0
    assert r["runtime_fields"]
