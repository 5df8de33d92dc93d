"""Snapshots and the A/B morph in the runtime: exact ends, midpoint switching, log-scale
blending, set_morph, timed and beat-quantised recall."""

import math
from pathlib import Path

import pytest

import nodes
from nodes import snapshots as S
from nodes.errors import GraphError

GRAPH = Path(__file__).resolve().parents[2] / "graphs" / "amoeba.graph"


@pytest.fixture
def graph():
    return nodes.load(GRAPH)


def two(graph):
    a = S.snapshot(graph, "a")
    graph.set_param("bloom", "intensity", 1.8)
    graph.set_param("engine", "R", 20.0)  # structural: rebuilds the kernel
    graph.set_param("engine", "T", 100.0)  # range 1..100: two decades, log scale
    graph.set_param("engine", "warmup", 10)
    graph.set_param("palette", "preset", "ember" if graph.param_value("palette", "preset")
                    != "ember" else "oil_slick")
    b = S.snapshot(graph, "b")
    graph.snapshots = [a, b]
    return a, b


def test_ends_are_exact_and_midpoint_switches(graph):
    a, b = two(graph)
    assert S.morph_values(graph, a, b, 0.0) == a.values
    assert S.morph_values(graph, a, b, 1.0) == b.values
    lo, hi = S.morph_values(graph, a, b, 0.49), S.morph_values(graph, a, b, 0.51)
    for nid, name in (("engine", "R"), ("palette", "preset")):
        assert lo[nid][name] == a.values[nid][name] and hi[nid][name] == b.values[nid][name]
    assert ("engine", "R") in S.structural_params(graph)
    assert "engine.R" in S.changed_structural(graph, a, b)
    # a float blends linearly where its range does not span decades
    x = S.morph_values(graph, a, b, 0.25)["bloom"]["intensity"]
    ia, ib = a.values["bloom"]["intensity"], 1.8
    assert x == pytest.approx(ia + (ib - ia) * 0.25)


def test_log_scale_where_the_range_spans_decades(graph):
    a, b = two(graph)
    ta = a.values["engine"]["T"]
    mid = S.morph_values(graph, a, b, 0.5)["engine"]["T"]
    assert mid == pytest.approx(math.sqrt(ta * 100.0))  # geometric, not (ta + 100) / 2
    assert mid < (ta + 100.0) / 2 - 5
    assert not S.is_log(0.05, 0.35) and S.is_log(1.0, 100.0) and not S.is_log(0.0, 100.0)
    w = S.morph_values(graph, a, b, 0.5)["engine"]["warmup"]
    assert isinstance(w, int)


def test_runtime_set_morph_and_unknown_snapshot(graph):
    a, b = two(graph)
    rt = nodes.Runtime(graph, backend="numpy", size=32)
    rt.set_morph("a", "b", 0.0)
    assert graph.param_value("bloom", "intensity") == a.values["bloom"]["intensity"]
    rt.set_morph("a", "b", 0.75)
    assert graph.param_value("engine", "R") == 20.0
    rt.set_morph("a", "b", 1.0)
    assert S.capture(graph) == b.values
    with pytest.raises(GraphError, match="no snapshot named 'zz'"):
        rt.set_morph("a", "zz", 0.5)


def test_timed_recall_blends_over_simulation_time(graph):
    a, b = two(graph)
    rt = nodes.Runtime(graph, backend="numpy", size=32, fps=10)
    rt.recall("a", transition_s=1.0)
    seen = []
    for _ in range(12):
        rt.step()
        seen.append(graph.param_value("bloom", "intensity"))
    ia = a.values["bloom"]["intensity"]
    assert seen[0] == pytest.approx(1.8) and seen[-1] == ia and not rt.recalling
    assert any(min(ia, 1.8) + 0.1 < v < max(ia, 1.8) - 0.1 for v in seen)


def test_quantised_recall_starts_on_the_next_beat(graph):
    a, b = two(graph)
    graph.tempo.bpm = 120.0  # a beat every 0.5 s = 5 frames at 10 fps
    rt = nodes.Runtime(graph, backend="numpy", size=32, fps=10)
    for _ in range(7):  # beat 0 is the first shown frame; now at beat 1.2
        rt.step()
    rt.recall("a", quantise="beat")
    frames = []
    for i in range(6):
        rt.step()
        frames.append((rt.clock.beat, graph.param_value("engine", "R")))
    first = next(i for i, (_, r) in enumerate(frames) if r != 20.0)
    assert frames[first][0] == pytest.approx(2.0)  # frame on beat 2, not before
    assert all(r == 20.0 for _, r in frames[:first])
    # per bar (4 beats): from beat ~3 the next bar starts at beat 4
    rt.recall("b", quantise="bar")
    for _ in range(12):
        rt.step()
        if graph.param_value("engine", "R") == 20.0:
            break
    assert rt.clock.beat == pytest.approx(4.0)
    # a stopped clock: at once
    rt.clock.stop()
    rt.recall("a", quantise="bar")
    rt.step()
    assert graph.param_value("engine", "R") == a.values["engine"]["R"]
