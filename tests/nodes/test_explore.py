"""The explorer: seeded, in-range variations of the published parameters."""

from __future__ import annotations

import math

from nodes import dumps
from nodes.explore import mutate, published_values, variations
from nodes.graph import Published
from nodes.presets import build

import numpy as np


def _bounds(g):
    out = {}
    for p in g.published:
        spec = g.nodes[p.node].spec.param(p.param)
        if spec.numeric:
            out[p.name] = p.bounds(spec)
    return out


def test_same_seed_same_variants_other_seed_others():
    g = build("amoeba", size=64)
    a = [dumps(v) for v in variations(g, 4, amount=0.4, seed=7)]
    b = [dumps(v) for v in variations(g, 4, amount=0.4, seed=7)]
    c = [dumps(v) for v in variations(g, 4, amount=0.4, seed=8)]
    assert a == b
    assert a != c and len(set(a)) == 4


def test_values_move_and_stay_in_their_ranges():
    g = build("mnca_worm", size=64)
    base = published_values(g)
    bounds = _bounds(g)
    moved = 0
    for v in variations(g, 12, amount=1.0, seed=1):
        vals = published_values(v)
        assert vals["fit"] == base["fit"]
        for name, (lo, hi) in bounds.items():
            assert lo <= vals[name] <= hi, (name, vals[name], lo, hi)
            moved += vals[name] != base[name]
    assert moved > 12 * len(bounds) // 2
    assert published_values(g) == base  # the original is untouched


def test_amount_zero_changes_nothing_and_small_amounts_stay_close():
    g = build("amoeba", size=64)
    base = published_values(g)
    assert published_values(variations(g, 1, amount=0.0, seed=3)[0]) == base
    bounds = _bounds(g)
    v = published_values(variations(g, 1, amount=0.05, seed=3)[0])
    for name, (lo, hi) in bounds.items():
        assert abs(v[name] - base[name]) <= 0.25 * (hi - lo) + 1e-9, name


def test_a_range_spanning_decades_mutates_on_a_log_scale():
    g = build("amoeba", size=64)
    # a synthetic wide range: the bloom radius over 1..100 (two decades)
    g.publish(Published("radius", "bloom", "radius", "Radius", min=1.0, max=100.0))
    g.set_param("bloom", "radius", 2.0)
    logs = []
    for i in range(200):
        v = mutate(g, amount=0.3, rng=np.random.default_rng(i))
        logs.append(math.log10(v.param_value("bloom", "radius")))
    # on a log scale a value near the bottom moves about as far up as down (in decades);
    # a linear step of 0.3 * 99 / 3 would push nearly every draw far above 2.0
    logs = np.asarray(logs)
    assert (logs < math.log10(2.0)).mean() > 0.25


def test_choices_change_now_and_then():
    g = build("amoeba", size=64)
    pals = {v.param_value("palette", "preset") for v in variations(g, 40, amount=1.0, seed=0)}
    assert len(pals) >= 3
    assert {v.param_value("palette", "preset")
            for v in variations(g, 40, amount=0.0, seed=0)} == {"oil_slick"}
