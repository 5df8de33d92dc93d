"""Only what the Output (and a probed node) depends on runs; bypassed nodes pass their
main input through or are skipped (nodes/reach.py, used by the evaluator and validate)."""

from __future__ import annotations

import numpy as np
import pytest

from nodes import Code, GraphError, Runtime, Severity, validate
from nodes import reach
from nodes_helpers import engine_graph, run_frames

SIZE, FRAMES = 32, 3


def frames_of(g, n=FRAMES, **kw):
    return run_frames(Runtime(g, backend="numpy", size=SIZE, **kw), n)


def with_unwired_advect():
    g = engine_graph()
    g.add_node("flow.advect", "advect")  # feeds nothing, misses both required inputs
    return g


def test_an_unwired_node_is_a_warning_and_the_graph_runs():
    g = with_unwired_advect()
    issues = [i for i in validate(g) if i.code is Code.MISSING_INPUT]
    assert {(i.node_id, i.port) for i in issues} == {("advect", "field"), ("advect", "flow")}
    assert all(i.severity is Severity.WARNING and "not run" in i.message for i in issues)
    assert reach.needed(g) == {"engine", "gray", "out"}
    ref = frames_of(engine_graph())
    got = frames_of(g)  # runs, and gives exactly the frames without the stray node
    assert all(np.array_equal(a, b) for a, b in zip(ref, got))
    assert "advect" not in Runtime(g, backend="numpy", size=SIZE).nodes


def test_a_needed_node_missing_an_input_is_still_an_error():
    g = with_unwired_advect()
    g.disconnect(next(lk for lk in g.links if lk.dst == "gray"))
    g.connect("advect", "field", "gray", "field")
    errs = [i for i in validate(g) if i.severity is Severity.ERROR]
    assert {(i.code, i.node_id) for i in errs} == {(Code.MISSING_INPUT, "advect")}
    with pytest.raises(GraphError):
        Runtime(g, backend="numpy", size=SIZE)


def test_a_probed_node_runs_and_one_missing_inputs_says_so():
    g = engine_graph()
    g.add_node("math.levels", "lv", {"low": 0.2})
    g.connect("engine", "field", "lv", "field")  # feeds nothing the Output shows
    rt = Runtime(g, backend="numpy", size=SIZE)
    rt.step()
    assert rt.value("lv", "field") is None
    rt.set_targets(["lv"])  # the editor's probe
    rt.step()
    assert rt.value("lv", "field").shape == (SIZE, SIZE)
    g.add_node("flow.advect", "advect")
    rt.compile()
    with pytest.raises(GraphError) as ei:
        rt.set_targets(["advect"])
    assert ei.value.issues[0].code is Code.MISSING_INPUT
    assert "advect" in str(ei.value.issues[0]) and "not connected" in str(ei.value.issues[0])
    assert rt.targets == ("lv",)  # the previous probe stays and the runtime still runs
    rt.step()


def levels_graph():
    g = engine_graph()
    g.disconnect(next(lk for lk in g.links if lk.dst == "gray"))
    g.add_node("math.levels", "lv", {"low": 0.3, "gamma": 2.0})
    g.connect("engine", "field", "lv", "field")
    g.connect("lv", "field", "gray", "field")
    return g


def test_bypass_passes_the_main_input_through():
    on = frames_of(levels_graph())
    g = levels_graph()
    g.nodes["lv"].bypass = True
    bypassed = frames_of(g)
    rewired = frames_of(engine_graph())  # lv removed, engine wired straight to gray
    assert not np.array_equal(on[-1], bypassed[-1])
    assert all(np.array_equal(a, b) for a, b in zip(bypassed, rewired))
    assert "lv" not in reach.needed(g)


def test_bypass_rgb_node_and_chains():
    g = levels_graph()
    g.disconnect(next(lk for lk in g.links if lk.dst == "out"))
    g.add_node("colour.bloom", "bloom")
    g.connect("gray", "rgb", "bloom", "rgb")
    g.connect("bloom", "rgb", "out", "rgb")
    g.nodes["lv"].bypass = g.nodes["bloom"].bypass = True
    assert all(np.array_equal(a, b) for a, b in zip(frames_of(g), frames_of(engine_graph())))


def test_bypass_without_a_main_input_is_skipped():
    # an LFO has no scalar input: bypassed, its link is absent and the param keeps its value
    g = engine_graph("engine.lenia", {"mu": 0.2})
    g.add_node("signal.lfo", "lfo", {"center": 0.3, "depth": 0.04, "rate": 1.0})
    g.connect("lfo", "out", "engine", "mu")
    driven = frames_of(g)
    g.nodes["lfo"].bypass = True
    skipped = frames_of(g)
    plain = frames_of(engine_graph("engine.lenia", {"mu": 0.2}))
    assert not np.array_equal(driven[-1], skipped[-1])
    assert all(np.array_equal(a, b) for a, b in zip(skipped, plain))


def test_bypass_that_leaves_a_required_input_unfed_is_an_error():
    g = engine_graph()
    g.disconnect(next(lk for lk in g.links if lk.dst == "gray"))
    g.add_node("colour.pretransform", "pre")
    g.connect("engine", "field", "pre", "field")
    g.connect("pre", "field", "gray", "field")
    g.nodes["engine"].bypass = True  # an engine has no field input: nothing passes
    errs = [i for i in validate(g) if i.severity is Severity.ERROR]
    assert [(i.code, i.node_id) for i in errs] == [(Code.MISSING_INPUT, "pre")]
    assert "bypassed" in errs[0].message


def test_bypass_is_read_live_on_compile():
    g = levels_graph()
    rt = Runtime(g, backend="numpy", size=SIZE)
    rt.step()
    assert rt.value("lv", "field") is not None
    g.nodes["lv"].bypass = True
    rt.compile()  # the editor recompiles on a graph edit
    rt.step()
    assert rt.value("lv", "field") is None
