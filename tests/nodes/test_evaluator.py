"""Evaluator behaviour: live params, structural rebuilds, param links (issue 2, "Tests" 3)."""

from __future__ import annotations

import numpy as np
import pytest

import nodes
from nodes import Graph, Runtime, registry
from nodes.spec import F, I, Kind, Node, Port

from nodes_helpers import GRAPHS_DIR


class Counter(Node):
    """A test node that counts its static builds and records the params it sees."""

    type_id = "test.counter"
    title = "Counter"
    category = "Test"
    inputs = ()
    outputs = (Port("field", Kind.FIELD),)
    params = (F("gain", 0.5, 0.0, 1.0), F("width", 4.0, 1.0, 16.0, structural=True),
              I("count", 3, 0, 10))

    def __init__(self, node_id, seed):
        super().__init__(node_id, seed)
        self.builds = 0
        self.seen: list[dict] = []

    def process(self, ctx, inputs, params):
        self.seen.append(dict(params))

        def build():
            self.builds += 1
            x = np.zeros((ctx.size, ctx.size), np.float32)
            x[:, : int(params["width"])] = 1.0
            return ctx.backend.asarray(x)

        static = self.memo("static", (params["width"], ctx.size), build)
        return {"field": static * np.float32(params["gain"])}


@pytest.fixture
def with_counter(monkeypatch):
    registry.check_spec(Counter)
    table = {**registry.registry(), Counter.type_id: Counter}
    monkeypatch.setattr(registry, "registry", lambda: table)
    return Counter


@pytest.fixture
def compiles(monkeypatch):
    calls = []
    orig = Runtime.compile

    def counting(self):
        calls.append(self)
        return orig(self)

    monkeypatch.setattr(Runtime, "compile", counting)
    return calls


def _counter_graph():
    g = Graph()
    g.add_node("test.counter", "c")
    g.add_node("colour.gray", "gray")
    g.add_node("out.output", "out")
    g.connect("c", "field", "gray", "field")
    g.connect("gray", "rgb", "out", "rgb")
    return g


def test_param_change_applies_without_recompile_or_rebuild(with_counter, compiles):
    rt = Runtime(_counter_graph(), backend="numpy", size=32)
    node = rt.nodes["c"]
    plan = rt._plan
    rt.step()
    assert rt.output_host()[0, 0, 0] == pytest.approx(0.5)
    rt.set_param("c", "gain", 0.8)
    rt.step()
    assert rt.output_host()[0, 0, 0] == pytest.approx(0.8)  # applied on the next frame
    assert node.builds == 1  # static work kept
    assert len(compiles) == 1 and rt._plan is plan and rt.nodes["c"] is node


def test_structural_change_rebuilds_only_static_work(with_counter, compiles):
    rt = Runtime(_counter_graph(), backend="numpy", size=32)
    node = rt.nodes["c"]
    rt.step()
    static0 = node._memo["static"][1]
    rt.set_param("c", "width", 8.0)
    rt.step()
    assert node.builds == 2 and node._memo["static"][1] is not static0
    assert rt.output_host()[0, 7, 0] == pytest.approx(0.5)
    assert rt.output_host()[0, 8, 0] == 0.0
    rt.step()
    assert node.builds == 2
    assert len(compiles) == 1 and rt.nodes["c"] is node


def test_lfo_drives_a_param_and_is_clamped(with_counter):
    g = _counter_graph()
    g.add_node("signal.lfo", "lfo", {"shape": "sine", "center": 0.5, "depth": 0.8,
                                     "rate": 1.0})
    g.add_node("signal.lfo", "lfo_i", {"shape": "saw", "center": 5.0, "depth": 20.0,
                                       "rate": 0.5})
    g.connect("lfo", "out", "c", "gain")
    g.connect("lfo_i", "out", "c", "count")
    rt = Runtime(g, backend="numpy", size=32, fps=30.0)
    for _ in range(60):
        rt.step()
    node = rt.nodes["c"]
    gains = np.array([p["gain"] for p in node.seen])
    counts = [p["count"] for p in node.seen]
    assert gains.min() == 0.0 and gains.max() == 1.0  # clamped to the param range
    assert ((gains > 0) & (gains < 1)).any()  # and driven in between
    assert len(set(np.round(gains, 6))) > 5
    assert all(isinstance(c, int) and 0 <= c <= 10 for c in counts)  # ints stay ints
    assert {0, 10} <= set(counts)
    assert g.nodes["c"].params == {}  # the stored param is not overwritten by the link
    assert node.builds == 1  # modulation is not structural


def _rich_graph():
    """An engine with flow, life support and a full colour chain, no modulation."""
    g = Graph()
    g.add_node("seed.pattern", "seed")
    g.add_node("engine.lenia", "engine", {"R": 60.0, "mu": 0.15, "sigma": 0.03})
    g.add_node("flow.mix", "flow", {"rotate": 0.5, "swirl": 0.3})
    g.add_node("life.containment", "contain")
    g.add_node("life.perturb", "perturb")
    g.add_node("life.coverage", "coverage")
    g.add_node("colour.zones", "zones")
    g.add_node("colour.signals", "signals")
    g.add_node("colour.palette", "palette")
    g.add_node("colour.colorize", "colorize")
    g.add_node("colour.bloom", "bloom")
    g.add_node("out.output", "out")
    for a, ap, b, bp in [("seed", "seed", "engine", "seed"), ("flow", "flow", "engine", "flow"),
                         ("contain", "mask", "engine", "contain"),
                         ("perturb", "perturb", "engine", "perturb"),
                         ("coverage", "coverage", "engine", "coverage"),
                         ("engine", "field", "signals", "field"),
                         ("zones", "zones", "signals", "zones"),
                         ("signals", "t", "colorize", "t"), ("signals", "alpha", "colorize", "alpha"),
                         ("palette", "palette", "colorize", "palette"),
                         ("colorize", "rgb", "bloom", "rgb"), ("bloom", "rgb", "out", "rgb")]:
        g.connect(a, ap, b, bp)
    return g


def _memo_ids(rt):
    return {(nid, name): id(v[1]) for nid, n in rt.nodes.items() for name, v in n._memo.items()}


def test_lenia_R_change_rebuilds_only_that_kernel(compiles):
    rt = Runtime(_rich_graph(), backend="numpy", size=64)
    for _ in range(3):
        rt.step()
    before = _memo_ids(rt)
    assert ("engine", "kernel") in before and len(before) > 6
    world = rt.nodes["engine"].state["A"]
    steps = rt.nodes["engine"].state["step"]
    # a non-structural change rebuilds nothing
    rt.set_param("engine", "mu", 0.16)
    rt.step()
    assert _memo_ids(rt) == before
    # the structural one rebuilds exactly the engine's kernel
    rt.set_param("engine", "R", 40.0)
    rt.step()
    after = _memo_ids(rt)
    changed = {k for k in before if before[k] != after.get(k)}
    assert changed == {("engine", "kernel")}
    assert set(after) == set(before)
    assert len(compiles) == 1
    # the organism carries on: the world was not restarted
    assert rt.nodes["engine"].state["step"] == steps + 2
    assert rt.nodes["engine"].state["A"].shape == world.shape


def test_published_param_is_clamped_to_its_range():
    g = nodes.load(GRAPHS_DIR / "amoeba.graph")
    if not g.published:
        pytest.skip("amoeba publishes no parameters")
    rt = Runtime(g, backend="numpy", size=64)
    for pub in g.published:
        spec = g.nodes[pub.node].spec
        p = spec.param(pub.param)
        if not p.numeric:
            continue
        hi = p.max if pub.max is None else pub.max
        lo = p.min if pub.min is None else pub.min
        assert rt.set_published(pub.name, 1e9) == pytest.approx(hi)
        assert rt.set_published(pub.name, -1e9) == pytest.approx(lo)
    with pytest.raises(nodes.GraphError) as ei:
        rt.set_published("no_such_name", 1.0)
    assert ei.value.codes == {nodes.Code.BAD_PUBLISHED}


def test_graph_edit_recompiles_and_keeps_surviving_state():
    g = _rich_graph()
    rt = Runtime(g, backend="numpy", size=64)
    for _ in range(3):
        rt.step()
    eng = rt.nodes["engine"]
    A = np.array(eng.state["A"], copy=True)
    g.remove_node("bloom")
    g.connect("colorize", "rgb", "out", "rgb")
    rt.compile()
    assert rt.nodes["engine"] is eng and "bloom" not in rt.nodes
    assert np.array_equal(eng.state["A"], A)
    assert rt.step().shape == (64, 64, 3)


def test_node_failure_names_the_node(with_counter):
    g = _counter_graph()
    rt = Runtime(g, backend="numpy", size=32)

    def boom(ctx, inputs, params):
        raise ZeroDivisionError("bad")

    rt.nodes["c"].process = boom
    with pytest.raises(nodes.NodeFailure) as ei:
        rt.step()
    assert ei.value.node_id == "c" and ei.value.node_type == "test.counter"
    assert "'c'" in str(ei.value) and "ZeroDivisionError" in str(ei.value)


def test_list_and_vector_params_follow_every_kind_of_edit():
    """Coerced list/vec params are cached per step, but never stale: a set_param, a
    replaced value and an in-place edit of the stored list all reach the node."""
    g = nodes.load(GRAPHS_DIR / "amoeba.graph")
    rt = Runtime(g, backend="numpy", size=32)
    step = next(s for s in rt._plan if s.node_id == "engine")
    rt.step()
    rt.set_param("engine", "peaks", [0.3, 0.7])
    assert rt._params_for(step)["peaks"] == (0.3, 0.7)
    g.nodes["engine"].params["peaks"] = [0.4]
    assert rt._params_for(step)["peaks"] == (0.4,)
    g.nodes["engine"].params["peaks"][0] = 0.9  # edited in place
    assert rt._params_for(step)["peaks"] == (0.9,)
    cached = rt._params_for(step)["peaks"]
    assert rt._params_for(step)["peaks"] is cached  # unchanged: served from the cache


def test_profile_times_every_node_with_or_without_device_syncs():
    from nodes.backend import Backend

    class Counting(Backend):
        syncs = 0

        def synchronize(self):
            Counting.syncs += 1

    rt = Runtime(nodes.load(GRAPHS_DIR / "amoeba.graph"), backend=Counting(), size=32)
    rt.profile = {}
    rt.step()
    assert set(rt.profile) == set(rt.nodes) and Counting.syncs == len(rt.nodes)
    rt.profile_sync = False
    rt.step()
    assert Counting.syncs == len(rt.nodes)  # host issue time only: no more syncs
    assert all(v > 0 for v in rt.profile.values())


def test_frame_rate_changes_smoothness_not_speed():
    """The Step Scheduler's steps per second and LFO/clock time follow the delivered frame
    rate: one second of frames is one second of organism at 30 or 60 fps."""
    import nodes

    g = nodes.Graph()
    g.add_node("signal.scheduler", "sched", {"speed": 1.0, "sps": 30.0, "max_steps": 8})
    g.add_node("signal.clock", "clock")
    rt = nodes.Runtime(g, backend="numpy", size=16, fps=30.0)
    total30 = 0
    for _ in range(30):  # one second at 30 fps
        rt.step()
        total30 += rt.value("sched", "steps")
    t30 = rt.value("clock", "time")
    rt2 = nodes.Runtime(g, backend="numpy", size=16, fps=30.0)
    for _ in range(15):  # half a second at 30 fps, then half a second at 60
        rt2.step()
    first = rt2.value("clock", "time")
    rt2.set_fps(60.0)
    total = 0
    for _ in range(30):
        rt2.step()
        total += rt2.value("sched", "steps")
    assert total30 == 30 and total == pytest.approx(15, abs=1)
    assert rt2.value("clock", "time") == pytest.approx(t30, abs=1 / 30)
    assert rt2.value("clock", "time") > first  # continuous, no jump back
    with pytest.raises(nodes.GraphError):
        rt2.set_fps(float("nan"))
    with pytest.raises(nodes.GraphError):
        rt2.reseed(-1)
