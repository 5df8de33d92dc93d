"""The explorer: seeded variations of a graph around its published parameters.

``mutate(graph, amount=, rng=)`` returns a copy whose published parameters
moved around their current values: numbers by a Gaussian step of ``amount``
times a third of their slider range (on a log scale for a range that spans
decades, e.g. 0.001..1), clamped into the range (ints rounded); choices switch
to another option now and then (probability ``amount / 4``); toggles flip
with the same probability. The Output's fit is framing, not a look, and is
left alone. ``variations(graph, n, amount=, seed=)`` gives ``n`` of them;
the same graph, amount and seed give the same variants.
"""

from __future__ import annotations

import math

import numpy as np

from .graph import Graph
from .spec import ParamType

#: published names the explorer never changes (framing rather than the look)
FIXED = frozenset({"fit"})
LOG_DECADES = 1.5  # a positive range wider than this many decades mutates on a log scale


def _mutated_number(v: float, lo: float, hi: float, amount: float, rng) -> float:
    if hi <= lo:
        return lo
    v = min(max(float(v), lo), hi)
    if lo > 0 and math.log10(hi / lo) >= LOG_DECADES:
        llo, lhi = math.log(lo), math.log(hi)
        x = math.log(v) + rng.normal() * amount * (lhi - llo) / 3.0
        return float(math.exp(min(max(x, llo), lhi)))
    x = v + rng.normal() * amount * (hi - lo) / 3.0
    return float(min(max(x, lo), hi))


def mutate(graph: Graph, *, amount: float, rng: np.random.Generator) -> Graph:
    """A copy of ``graph`` with its published parameters varied (see the module doc)."""
    amount = min(max(float(amount), 0.0), 1.0)
    g = graph.copy()
    for pub in sorted(graph.published, key=lambda p: (p.order, p.name)):
        nd = g.nodes.get(pub.node)
        spec = nd.spec if nd is not None else None
        if spec is None or pub.name in FIXED:
            continue
        if any(lk.dst == pub.node and lk.dst_port == pub.param for lk in g.links):
            continue  # driven by a link: setting it has no effect
        p = spec.param(pub.param)
        cur = g.param_value(pub.node, pub.param)
        draw = rng.random()  # one draw per parameter whatever its kind: stable streams
        if p.numeric:
            lo, hi = pub.bounds(p)
            new = _mutated_number(cur, lo, hi, amount, rng)
            if p.type is ParamType.INT:
                new = int(round(new))
        elif p.type is ParamType.ENUM:
            others = [c for c in p.choices if c != cur]
            if not others or draw >= amount / 4:
                continue
            new = others[int(rng.integers(len(others)))]
        elif p.type is ParamType.BOOL:
            if draw >= amount / 4:
                continue
            new = not bool(cur)
        else:
            continue
        g.set_param(pub.node, pub.param, new)
    return g


def variations(graph: Graph, n: int, *, amount: float = 0.3, seed: int = 0) -> list[Graph]:
    """``n`` variants of ``graph``; variant i depends only on (graph, amount, seed, i)."""
    out = []
    for i in range(n):
        v = mutate(graph, amount=amount, rng=np.random.default_rng([int(seed), i]))
        v.meta.name = f"{graph.meta.name}_v{i:02d}"
        out.append(v)
    return out


def published_values(graph: Graph) -> dict:
    """name -> current value of every published parameter (for diffs and tests)."""
    return {p.name: graph.param_value(p.node, p.param) for p in graph.published
            if p.node in graph.nodes}
