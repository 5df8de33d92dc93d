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
    g = load(GRAPHS_DIR / "amoeba.graph")
    g.tempo.bpm = 90
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

