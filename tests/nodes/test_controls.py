"""Controller model (Qt-free): mapping, routing, validation, learn, MIDI clock, tap."""

import logging
import math
from pathlib import Path

import pytest

from nodes import controls as C
from nodes import fileformat
from nodes.graph import Control

GRAPHS = Path(__file__).resolve().parents[2] / "graphs"


@pytest.fixture
def g():
    return fileformat.load(GRAPHS / "amoeba.graph")


def test_cc_maps_onto_the_param_range_with_curve_and_invert(g):
    c = Control("midi_cc", node="bloom", param="intensity", number=7)  # 0..2
    assert C.map_value(g, c, 0.0) == 0.0 and C.map_value(g, c, 1.0) == 2.0
    assert C.map_value(g, c, 0.5) == pytest.approx(1.0)
    c.curve = 2.0
    assert C.map_value(g, c, 0.5) == pytest.approx(0.5)
    c.invert = True
    assert C.map_value(g, c, 0.5) == pytest.approx(1.5)
    assert C.map_value(g, c, 1.0) == pytest.approx(0.0)
    c2 = Control("midi_cc", node="bloom", param="intensity", number=7, lo=0.5, hi=1.0)
    assert C.map_value(g, c2, 0.5) == pytest.approx(0.75)


def test_published_range_is_the_default(g):
    c = Control("midi_cc", node="lfo_mu", param="center", number=1)  # published 0.05..0.35
    assert C.map_value(g, c, 0.0) == pytest.approx(0.05)
    assert C.map_value(g, c, 1.0) == pytest.approx(0.35)


def test_ints_enums_toggles(g):
    ci = Control("midi_cc", node="scheduler", param="max_steps", number=1)  # 1..64
    assert C.map_value(g, ci, 1.0) == 64 and isinstance(C.map_value(g, ci, 0.3), int)
    ce = Control("midi_cc", node="output", param="fit", number=1)
    p = C.target_param(g, "output", "fit")
    got = [C.map_value(g, ce, x / 127) for x in range(128)]
    assert got[0] == p.choices[0] and got[-1] == p.choices[-1] and set(got) == set(p.choices)
    cv = Control("midi_cc", node="palette", param="a", number=1)  # a vec3: not mappable
    assert C.map_value(g, cv, 0.5) is None


def test_route_midi_cc_and_keep_latest(g):
    g.controls.append(Control("midi_cc", node="bloom", param="intensity", number=7, channel=0))
    rep = C.Reporter()
    assert C.route(g, C.Event("midi_cc", 127, 1, 7), rep) == []  # other channel
    acts = [a for v in (10, 64, 127) for a in C.route(g, C.Event("midi_cc", v, 0, 7), rep)]
    assert len(acts) == 3
    last = C.latest(acts)
    assert len(last) == 1 and last[0].value == pytest.approx(2.0)


def test_notes_trigger_restart_and_snapshots(g):
    g.controls += [Control("midi_note", action="restart", number=36),
                   Control("midi_note", action="snapshot", number=37, snapshot="calm")]
    rep = C.Reporter()
    assert [a.kind for a in C.route(g, C.Event("midi_note", 100, 3, 36), rep)] == ["restart"]
    assert C.route(g, C.Event("midi_note", 0, 3, 36), rep) == []  # note off
    acts = C.route(g, C.Event("midi_note", 90, 0, 37), rep)
    assert acts[0].kind == "snapshot" and acts[0].snapshot == "calm"
    assert len(C.latest(acts + acts)) == 2  # triggers never collapse


def test_osc_published_and_malformed_once_per_kind(g, caplog):
    rep = C.Reporter()
    ok = C.route(g, C.osc_event("/cagraph/bloom", 1.5), rep)
    assert ok == [C.Action("param", "bloom", "intensity", 1.5)]
    assert C.route(g, C.osc_event("/cagraph/palette", 1), rep)[0].value == \
        C.target_param(g, "palette", "preset").choices[1]
    with caplog.at_level(logging.WARNING, logger="cagraph.controls"):
        for _ in range(3):
            assert C.route(g, C.osc_event("/cagraph/bloom", "loud"), rep) == []
            assert C.route(g, C.osc_event("/cagraph/bloom", math.nan), rep) == []
            assert C.route(g, C.osc_event("/cagraph/bloom", math.inf), rep) == []
            assert C.route(g, C.osc_event("/cagraph/bloom", 99.0), rep) == []
            assert C.route(g, C.osc_event("/cagraph/nope", 1.0), rep) == []
            assert C.route(g, C.osc_event("/cagraph/bloom"), rep) == []
    assert rep.counts == {"wrong type": 3, "not finite": 6, "out of range": 3,
                          "unknown address": 3, "no value": 3}
    assert len(caplog.records) == 5  # one line per kind


def test_learned_osc_takes_0_to_1(g):
    g.controls.append(Control("osc", address="/fader/1", node="bloom", param="intensity"))
    rep = C.Reporter()
    assert C.route(g, C.osc_event("/fader/1", 0.25), rep)[0].value == pytest.approx(0.5)
    assert C.route(g, C.osc_event("/fader/1", 3.0), rep) == []
    assert rep.counts == {"out of range": 1}


def test_learn_binds_the_next_message(g):
    L = C.Learner()
    assert L.offer(C.Event("midi_cc", 3, 0, 7)) is None  # nothing waiting
    L.start(C.LearnTarget("param", "bloom", "intensity", sources=("midi_cc", "midi_note")))
    assert L.offer(C.osc_event("/x", 1.0)) is None  # MIDI learn ignores OSC
    assert L.offer(C.Event("midi_note", 0, 0, 40)) is None  # a note off
    c = L.offer(C.Event("midi_cc", 3, 2, 21))
    assert (c.source, c.channel, c.number, c.node, c.param) == ("midi_cc", 2, 21, "bloom",
                                                                "intensity")
    assert not L.active
    new = C.replace_binding([Control("midi_cc", number=21, channel=2, node="flow", param="swirl")], c)
    assert new == [c]


def test_controls_round_trip_through_the_file(g, tmp_path):
    g.controls.append(Control("midi_cc", node="bloom", param="intensity", number=7, curve=2.0,
                              invert=True))
    g.controls.append(Control("osc", action="restart", address="/go"))
    fileformat.save(g, tmp_path / "x.graph")
    assert fileformat.load(tmp_path / "x.graph").controls == g.controls


def test_midi_clock_and_tap_tempo():
    mc = C.MidiClock()
    mc.feed("start", 0.0)
    for i in range(49):
        mc.feed("clock", i * 60.0 / (128 * 24))
    assert mc.playing and mc.bpm == pytest.approx(128.0)
    mc.feed("stop", 1.0)
    assert not mc.playing
    tap = C.TapTempo()
    assert tap.tap(0.0) is None
    for i in range(1, 5):
        bpm = tap.tap(i * 0.5)
    assert bpm == pytest.approx(120.0)
    assert tap.tap(10.0) is None  # a pause starts over
