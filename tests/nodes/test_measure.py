"""Measure Organism and Krea Parameters: the statistics against their NumPy reference,
their use as scalars in a graph, and what a frame sends on to Krea."""

import json
from pathlib import Path

import numpy as np
import pytest

import nodes
from nodes.library.measure import DOWNSTREAM, KREA_RUNTIME, field_stats, field_stats_ref

ROOT = Path(__file__).resolve().parents[2]


def test_field_stats_match_the_reference():
    rng = np.random.default_rng(3)
    a = (rng.random((40, 56)) * 1.2 - 0.1).astype(np.float32)  # also outside 0..1
    p = rng.random((40, 56)).astype(np.float32)
    got = field_stats(np, a, p, 0.3, np.zeros(5, np.float32))
    np.testing.assert_allclose(got, field_stats_ref(a, p, 0.3), rtol=1e-5, atol=1e-6)
    blob = np.zeros((32, 32), np.float32)
    blob[4:8, 20:28] = 1.0  # top right
    s = field_stats(np, blob, None, 0.5, np.zeros(5, np.float32))
    assert s[2] == 0 and s[1] == pytest.approx(32 / 1024)
    assert s[3] == pytest.approx(24 / 32) and s[4] == pytest.approx(6 / 32)
    empty = field_stats(np, np.zeros((8, 8), np.float32), None, 0.1, np.zeros(5, np.float32))
    assert list(empty) == [0, 0, 0, 0.5, 0.5]


@pytest.mark.gpu
def test_field_stats_on_cupy_match_numpy():
    cp = pytest.importorskip("cupy")
    from nodes.backend import cuda_available

    if not cuda_available():
        pytest.skip("no usable CUDA device")
    rng = np.random.default_rng(5)
    a, p = (rng.random((64, 64)).astype(np.float32) for _ in range(2))
    got = field_stats(cp, cp.asarray(a), cp.asarray(p), 0.3, cp.zeros(5, cp.float32))
    np.testing.assert_allclose(cp.asnumpy(got), field_stats(np, a, p, 0.3,
                                                            np.zeros(5, np.float32)),
                               rtol=1e-5, atol=1e-6)


def steering_graph(**krea_params) -> nodes.Graph:
    """amoeba with its organism measured, coverage -> noise_scale, motion -> bias."""
    doc = json.loads((ROOT / "graphs" / "amoeba.graph").read_text())
    doc["nodes"] += [
        {"id": "measure", "type": "analysis.measure", "params": {}},
        {"id": "krea", "type": "out.krea_params", "params": dict(krea_params)},
    ]
    doc["links"] += [
        {"src": {"node": "engine", "port": "field"}, "dst": {"node": "measure", "port": "field"}},
        {"src": {"node": "measure", "port": "coverage"},
         "dst": {"node": "krea", "port": "noise_scale"}},
        {"src": {"node": "measure", "port": "motion"},
         "dst": {"node": "krea", "port": "kv_cache_attention_bias"}},
    ]
    return nodes.loads(json.dumps(doc))


def run_frames(graph, n):
    rt = nodes.Runtime(graph, backend="numpy", size=64, width=64, height=64)
    sent = []
    for _ in range(n):
        rt.step()
        sent.append(rt.ctx.stats.pop(DOWNSTREAM, {}))
    return rt, sent


def test_measures_drive_krea_parameters_clamped_and_rate_limited():
    g = steering_graph(max_rate=0, noise_scale_min=0.2, noise_scale_max=0.9)
    rt, sent = run_frames(g, 12)
    ns = [s["noise_scale"] for s in sent if "noise_scale" in s]
    assert ns and all(0.2 <= v <= 0.9 for v in ns)
    assert len(set(ns)) > 1  # it follows the organism
    assert all(s.get("noise_controller") is False for s in sent if "noise_scale" in s)
    lo, hi = KREA_RUNTIME["kv_cache_attention_bias"]
    assert all(lo <= s["kv_cache_attention_bias"] <= hi for s in sent
               if "kv_cache_attention_bias" in s)
    # rate limit: at 30 fps and 2 updates/s, 30 frames send at most 2 noise_scale values
    _, limited = run_frames(steering_graph(max_rate=2), 30)
    assert 1 <= sum("noise_scale" in s for s in limited) <= 2


def test_switched_off_sends_nothing():
    _, sent = run_frames(steering_graph(enabled=False), 6)
    assert not any(sent)


def test_a_measure_can_drive_any_scalar_input():
    doc = json.loads((ROOT / "graphs" / "amoeba.graph").read_text())
    doc["nodes"].append({"id": "measure", "type": "analysis.measure", "params": {}})
    doc["links"] += [
        {"src": {"node": "engine", "port": "field"}, "dst": {"node": "measure", "port": "field"}},
        {"src": {"node": "measure", "port": "brightness"},
         "dst": {"node": "hue_drift", "port": "depth"}},
    ]
    g = nodes.loads(json.dumps(doc))
    plain = nodes.Runtime(nodes.load(ROOT / "graphs" / "amoeba.graph"), backend="numpy",
                          size=64, width=64, height=64)
    rt, _ = run_frames(g, 8)
    for _ in range(8):
        plain.step()
    # the hue drift's depth now follows the organism's brightness: other colours
    assert not np.array_equal(rt.output_host(), plain.output_host())
