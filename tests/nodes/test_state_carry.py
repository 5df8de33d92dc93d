"""nodes.state_carry: a rebuilt runtime takes the running organism over."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import nodes
from nodes.state_carry import carry_over, resample

AMOEBA = Path(__file__).resolve().parents[2] / "graphs" / "amoeba.graph"


def test_resample_keeps_shape_rules_and_content():
    a = np.zeros((32, 32), np.float32)
    a[8:16, 8:16] = 1.0
    b = resample(a, 32, 64)
    assert b.shape == (64, 64) and b.dtype == np.float32
    assert abs(b.mean() - a.mean()) < 0.02 and b[24:28, 24:28].min() > 0.9
    rgb = np.ones((32, 32, 3), np.float32)
    assert resample(rgb, 32, 48).shape == (48, 48, 3)
    stack = np.ones((2, 32, 32), np.float32)
    assert resample(stack, 32, 16).shape == (2, 16, 16)
    other = np.arange(6.0).reshape(2, 3)
    assert (resample(other, 32, 64) == other).all()


def test_a_size_change_carries_the_organism_and_the_clock():
    g = nodes.load(AMOEBA)
    old = nodes.Runtime(g, backend="numpy", size=48)
    for _ in range(12):
        old.step()
    A = old.nodes["engine"].state["A"]
    new = nodes.Runtime(g, backend="numpy", size=96, width=160, height=96)
    assert carry_over(old, new) >= 1
    assert new.frame == old.frame and new.shown == old.shown
    B = new.nodes["engine"].state["A"]
    assert B.shape == (96, 96) and abs(float(B.mean()) - float(A.mean())) < 0.02
    rgb = new.step()
    assert new.shown == old.shown + 1 and rgb.shape == (96, 160, 3)
    assert float(np.asarray(rgb).std()) > 0.01  # an organism, not a fresh blank start
    # a fresh runtime at that size starts over: the carried one is not that
    fresh = nodes.Runtime(g, backend="numpy", size=96)
    fresh.step()
    assert not np.allclose(fresh.nodes["engine"].state["A"], new.nodes["engine"].state["A"])


def test_a_rectangular_grid_is_resampled_on_both_axes():
    a = np.zeros((32, 48), np.float32)
    a[:, :24] = 1.0
    b = resample(a, (32, 48), (64, 96))
    assert b.shape == (64, 96) and abs(b.mean() - 0.5) < 0.05
    g = nodes.load(AMOEBA)
    old = nodes.Runtime(g, backend="numpy", grid=(64, 32))
    for _ in range(4):
        old.step()
    new = nodes.Runtime(g, backend="numpy", grid=(96, 48))
    carry_over(old, new)
    assert new.nodes["engine"].state["A"].shape == (48, 96)
    new.step()
    assert new.shown == old.shown + 1
