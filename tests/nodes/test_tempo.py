"""The beat clock (nodes/tempo.py) and the runtime's clock (Runtime.clock, set_tempo,
sync_tempo)."""

from __future__ import annotations

import math

import pytest

from nodes.errors import GraphError
from nodes.evaluator import Runtime
from nodes.fileformat import load
from nodes.tempo import Clock, division_beats

from nodes_helpers import GRAPHS_DIR


def test_clock_counts_beats_and_bars_from_time():
    c = Clock(120, 4)
    c.set_time(0.0)
    assert (c.beat, c.beat_count, c.bar, c.bar_position) == (0.0, 0, 0, 0.0)
    c.set_time(2.75)  # 5.5 beats at 120 bpm
    assert c.beat == pytest.approx(5.5)
    assert c.beat_phase == pytest.approx(0.5)
    assert c.beat_count == 5 and c.bar == 1
    assert c.bar_position == pytest.approx(1.5)
    assert c.seconds_to_next("beat") == pytest.approx(0.25)
    assert c.seconds_to_next("bar") == pytest.approx(2.5 * 0.5)
    assert c.state()["beat_count"] == 5


def test_tempo_change_does_not_jump_and_bar_length_changes_keep_the_bar_position():
    c = Clock(120, 4)
    c.set_time(1.0)  # beat 2
    c.set_tempo(60)
    assert c.beat == pytest.approx(2.0)
    c.set_time(2.0)  # one more beat at 60
    assert c.beat == pytest.approx(3.0)
    pos4 = c.bar_position
    c.set_tempo(beats_per_bar=3)
    pos = c.bar_position
    assert pos == pytest.approx(pos4 % 3)  # the bar goes on from where it was
    c.set_time(3.0)
    assert c.bar_position == pytest.approx((pos + 1) % 3)
    with pytest.raises(ValueError):
        c.set_tempo(float("nan"))
    with pytest.raises(ValueError):
        c.set_tempo(1000)
    with pytest.raises(ValueError):
        c.set_tempo(beats_per_bar=0)


def test_stop_holds_the_position_and_play_resumes_from_it():
    c = Clock(120)
    c.set_time(1.0)
    c.stop()
    c.set_time(5.0)
    assert c.beat == pytest.approx(2.0) and c.seconds_to_next("beat") == 0.0
    c.play()
    c.set_time(5.5)
    assert c.beat == pytest.approx(3.0)


def test_sync_is_the_truth_and_the_own_clock_fills_the_gaps():
    c = Clock(120, 4)
    c.set_time(10.0)  # own: beat 20
    c.sync(bpm=90, beat_phase=0.25, beat_count=7, bar_position=3.25, is_playing=True)
    assert c.beat == pytest.approx(7.25) and c.bpm == 90
    assert c.bar_position == pytest.approx(3.25)
    c.set_time(10.5)  # 0.75 beat later at 90 bpm
    assert c.beat == pytest.approx(8.0)
    assert c.bar == 2 and c.bar_position == pytest.approx(0.0, abs=1e-9)
    # without beat_count: the beat nearest the own position that has that phase
    c.set_time(11.0)  # own 8.75
    c.sync(beat_phase=0.1)
    assert c.beat == pytest.approx(9.1)
    c.sync(beat_phase=0.6)
    assert c.beat == pytest.approx(8.6)
    c.sync(bpm=0, beat_phase=0.6)  # no tempo measured yet: the own one stays
    assert c.bpm == 90
    c.sync(bpm=5000)
    assert c.bpm == 999
    c.sync(bpm=90)
    c.sync(is_playing="false")
    assert not c.playing
    before = c.beat
    with pytest.raises(ValueError):
        c.sync(bpm=120, beat_phase=float("nan"))
    assert c.beat == before and c.bpm == 90  # a bad call changes nothing


def test_advance_adds_up_exactly():
    a, b = Clock(128), Clock(128)
    for _ in range(36_000):  # 10 minutes at 60 fps
        a.advance(1 / 60)
    b.set_time(600.0)
    assert abs(a.beat - b.beat) < 1e-9
    assert a.beat == pytest.approx(1280.0)


def test_divisions():
    assert division_beats("1/16", 4) == 0.25
    assert division_beats("1 bar", 3) == 3
    assert division_beats("4 bars", 4) == 16


def test_runtime_clock_follows_frame_time_graph_tempo_and_sync():
    g = _signal_graph(dict(shape="sine"), bpm=90)
    rt = Runtime(g, backend="numpy", size=32, fps=30, preroll=6)
    assert rt.clock.bpm == 90
    rt.step()  # first shown frame is beat 0
    assert rt.clock.beat == pytest.approx(0.0)
    for _ in range(20):
        rt.step()
    assert rt.clock.beat == pytest.approx(20 / 30 * 1.5)
    rt.set_tempo(60, 3)
    rt.step()  # the frame after a change: reached at the old tempo, left at the new
    assert rt.clock.beat == pytest.approx(21 / 30 * 1.5)
    rt.step()
    assert rt.clock.beat == pytest.approx(21 / 30 * 1.5 + 1 / 30)
    assert rt.clock.beats_per_bar == 3
    rt.sync_tempo(bpm=120, beat_phase=0.5, beat_count=3)
    rt.step()  # the synced state is that of the next frame
    assert rt.clock.beat == pytest.approx(3.5)
    rt.step()
    assert rt.clock.beat == pytest.approx(3.5 + 2 / 30)
    with pytest.raises(GraphError, match="bpm"):
        rt.sync_tempo(bpm="fast")
    g.tempo.bpm = 100  # an edit of the file's tempo reaches the clock
    rt.step()
    assert rt.clock.bpm == 100
    rt.reset()
    rt.step()
    assert rt.clock.beat == pytest.approx(0.0)



def _signal_graph(lfo_params: dict | None = None, beat_params: dict | None = None,
                  sched_params: dict | None = None, bpm: float = 120.0):
    from nodes import Graph

    g = Graph()
    g.tempo.bpm = bpm
    if lfo_params is not None:
        g.add_node("signal.lfo", "lfo", lfo_params)
    if beat_params is not None:
        g.add_node("signal.beat_clock", "beat", beat_params)
    if sched_params is not None:
        g.add_node("signal.scheduler", "sched", sched_params)
    return g


def test_synced_lfo_does_not_drift_over_ten_minutes():
    """10 minutes of frames at 30 fps and 128 bpm, a 1/4-note sine: at every frame the
    LFO's phase is the beat's (computed fresh from the frame number), to 1e-9."""
    g = _signal_graph(dict(shape="saw", sync=True, division="1/4", center=0.0, depth=1.0))
    g.tempo.bpm = 128
    rt = Runtime(g, backend="numpy", size=16, fps=30)
    worst = 0.0
    for k in range(30 * 600):
        rt.step()
        want = (k / 30 * 128 / 60) % 1.0  # saw: 2 * phase - 1
        got = (rt.value("lfo", "wave") + 1) / 2
        worst = max(worst, abs(((got - want) + 0.5) % 1.0 - 0.5))
    assert worst < 1e-9, worst
    # the free-running LFO at the same nominal rate (Hz) is what it always was
    f = _signal_graph(dict(shape="saw", rate=128 / 60))
    rf = Runtime(f, backend="numpy", size=16, fps=30)
    for _ in range(31):
        rf.step()
    assert rf.value("lfo", "wave") == pytest.approx(2 * ((30 * (128 / 60) / 30) % 1.0) - 1,
                                                    abs=1e-9)


def test_synced_lfo_divisions_phase_offset_and_tempo_changes():
    g = _signal_graph(dict(shape="saw", sync=True, division="1 bar", phase=0.25))
    g.tempo.beats_per_bar = 3
    rt = Runtime(g, backend="numpy", size=16, fps=30)
    for _ in range(16):  # frame 15: half a second, one beat at 120 bpm
        rt.step()
    assert rt.value("lfo", "wave") == pytest.approx(2 * ((1 / 3 + 0.25) % 1) - 1)
    rt.set_tempo(60)  # no jump at the change, then half the speed
    rt.step()
    assert (rt.value("lfo", "wave") + 1) / 2 == pytest.approx((16 * 2 / 30 / 3 + 0.25) % 1)
    rt.step()
    assert (rt.value("lfo", "wave") + 1) / 2 == pytest.approx(
        (16 * 2 / 30 / 3 + 1 / 30 / 3 + 0.25) % 1)


def test_beat_clock_node_outputs_and_pulse_shapes():
    from nodes.library.signals import pulse

    g = _signal_graph(beat_params=dict(division="1/4", shape="exp", decay=0.5, center=0.2,
                                       depth=2.0), bpm=120)
    rt = Runtime(g, backend="numpy", size=16, fps=30)
    seen = []
    for _ in range(40):
        rt.step()
        seen.append({k: rt.value("beat", k) for k in ("out", "pulse", "phase", "bar", "count")})
    assert seen[0]["pulse"] == 1.0 and seen[0]["out"] == pytest.approx(2.2)
    assert seen[15]["pulse"] == 1.0 and seen[15]["count"] == 1.0  # 15 frames a beat
    assert seen[20]["phase"] == pytest.approx(1 / 3)
    assert seen[20]["pulse"] == pytest.approx(math.exp(-3 * (1 / 3) / 0.5))
    assert seen[35]["bar"] == pytest.approx(35 / 15)
    assert [k for k in range(40) if seen[k]["pulse"] == 1.0] == [0, 15, 30]
    assert pulse("linear", 0.25, 0.5) == 0.5 and pulse("gate", 0.6, 0.5) == 0.0
    assert pulse("smooth", 0.0, 1.0) == 1.0 and pulse("smooth", 1.0, 1.0) == 0.0
    rt.sync_tempo(is_playing=False)  # stopped: everything holds
    rt.step()
    held = rt.value("beat", "out")
    rt.step()
    assert rt.value("beat", "out") == held


def test_scheduler_bursts_on_the_beat_only_when_asked():
    plain = _signal_graph(sched_params=dict(sps=30.0, max_steps=4))
    burst = _signal_graph(sched_params=dict(sps=30.0, max_steps=4, beat_burst=5,
                                            burst_every="1/2"))
    a = Runtime(plain, backend="numpy", size=16, fps=30)
    b = Runtime(burst, backend="numpy", size=16, fps=30)
    sa, sb = [], []
    for _ in range(75):
        a.step()
        b.step()
        sa.append(a.value("sched", "steps"))
        sb.append(b.value("sched", "steps"))
    assert sa == [1.0] * 75
    # a half note at 120 bpm is 30 frames: bursts on frames 30 and 60 (not the first)
    assert [k for k in range(75) if sb[k] != 1.0] == [30, 60]
    assert sb[30] == 6.0


def test_old_files_without_the_new_params_render_as_before():
    """The tempo params were added to LFO and Step Scheduler without a type version bump:
    a file without them (every file saved before) gets defaults that are the old
    behaviour, so a preset with its sync option off renders what the same graph without
    the new params renders."""
    import copy

    import numpy as np

    from nodes.fileformat import from_dict, to_dict

    g = load(GRAPHS_DIR / "jellyfish.graph")
    doc = to_dict(g)
    old = copy.deepcopy(doc)
    for nd in old["nodes"]:
        for k in ("sync", "division", "beat_burst", "burst_every"):
            nd["params"].pop(k, None)
    old["published"] = [p for p in old["published"] if p["name"] != "beat_sync"]
    assert any(nd["params"].get("division") for nd in doc["nodes"])  # the new file has it
    a = Runtime(from_dict(doc), backend="numpy", size=32)
    b = Runtime(from_dict(old), backend="numpy", size=32)
    for _ in range(30):
        assert np.array_equal(a.step(), b.step())
    a.set_published("beat_sync", True)  # and the option does something
    diff = 0.0
    for _ in range(40):
        diff = max(diff, float(np.abs(a.step() - b.step()).max()))
    assert diff > 1e-3
