"""Snapshots and the A/B morph (Qt-free): capture a graph's values, blend two snapshots.

* :func:`capture` returns ``values[node_id][param]`` (saved form) of every known node's
  parameters, or only the published ones; :func:`snapshot` wraps them in a
  :class:`~nodes.graph.Snapshot`.
* :func:`morph_values` blends snapshot (or values) A into B at ``t``: floats interpolate
  (geometrically where the range spans decades: ``lo > 0`` and ``hi / lo >= 100``), whole
  numbers interpolate and round, choices, toggles and *structural* parameters (they rebuild
  a node's kernels or caches, ``Param.structural``) switch at ``t = 0.5``.  ``t <= 0`` gives
  A's values exactly, ``t >= 1`` B's.  A parameter only one side holds is blended against
  the graph's current value.
* :func:`structural_params` names the structural parameters of a graph.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from .graph import Graph, Snapshot
from .spec import Param, ParamType

#: a range whose hi / lo reaches this (with lo > 0) morphs on a log scale
LOG_RATIO = 100.0


def _saved(graph: Graph, nid: str, p: Param) -> Any:
    return copy.deepcopy(p.to_json(graph.param_value(nid, p.name)))


def capture(graph: Graph, published_only: bool = False) -> dict[str, dict[str, Any]]:
    """The graph's parameter values in their saved (JSON) form, by node id."""
    values: dict[str, dict[str, Any]] = {}
    if published_only:
        for pub in graph.published:
            nd = graph.nodes.get(pub.node)
            spec = nd.spec if nd else None
            if spec is None:
                continue
            try:
                p = spec.param(pub.param)
            except KeyError:
                continue
            values.setdefault(pub.node, {})[pub.param] = _saved(graph, pub.node, p)
        return values
    for nid, nd in graph.nodes.items():
        if nd.spec is not None:
            values[nid] = {p.name: _saved(graph, nid, p) for p in nd.spec.params}
    return values


def snapshot(graph: Graph, name: str, published_only: bool = False) -> Snapshot:
    return Snapshot(name, capture(graph, published_only), published_only)


def find(graph: Graph, name: str) -> Snapshot | None:
    return next((s for s in graph.snapshots if s.name == name), None)


def structural_params(graph: Graph) -> list[tuple[str, str]]:
    """``(node_id, param)`` of every structural parameter of the graph's known nodes:
    changing one rebuilds kernels or caches, so a morph switches it at the middle."""
    return [(nid, p.name) for nid, nd in graph.nodes.items() if nd.spec is not None
            for p in nd.spec.params if p.structural]


def _range(graph: Graph, nid: str, p: Param, pubs: dict | None = None) -> tuple:
    if pubs is None:
        pubs = {(q.node, q.param): q for q in graph.published}
    pub = pubs.get((nid, p.name))
    return pub.bounds(p) if pub is not None else (p.min, p.max)


def _copy(v):
    return copy.deepcopy(v) if isinstance(v, (list, tuple, dict)) else v


def is_log(lo, hi) -> bool:
    """Whether a range spans decades (it then morphs on a log scale)."""
    return lo is not None and hi is not None and lo > 0 and hi / lo >= LOG_RATIO


def _lerp(a: float, b: float, t: float, log: bool) -> float:
    if log and a > 0 and b > 0:
        return math.exp(math.log(a) + (math.log(b) - math.log(a)) * t)
    return a + (b - a) * t


def blend(p: Param, a: Any, b: Any, t: float, log: bool = False) -> Any:
    """One parameter's value between ``a`` (t=0) and ``b`` (t=1), in saved form."""
    if t <= 0.0:
        return _copy(a)
    if t >= 1.0:
        return _copy(b)
    if a == b:
        return _copy(a)
    switch = _copy(a if t < 0.5 else b)
    if p.structural or p.type in (ParamType.BOOL, ParamType.ENUM):
        return switch
    try:
        if p.type is ParamType.FLOAT:
            return float(_clamp(p, _lerp(float(a), float(b), t, log)))
        if p.type is ParamType.INT:
            return int(round(_clamp(p, _lerp(float(a), float(b), t, log))))
        if p.type is ParamType.VEC3:
            return [float(_clamp(p, _lerp(float(x), float(y), t, False))) for x, y in zip(a, b)]
        if p.type is ParamType.LIST and len(a) == len(b):  # a non-structural list
            out = []
            for x, y in zip(a, b):
                if isinstance(x, (list, tuple)):
                    out.append([float(_lerp(float(u), float(v), t, False)) for u, v in zip(x, y)])
                else:
                    out.append(float(_lerp(float(x), float(y), t, False)))
            return out
    except (TypeError, ValueError):
        pass
    return switch


def _clamp(p: Param, v: float) -> float:
    if p.min is not None:
        v = max(v, p.min)
    if p.max is not None:
        v = min(v, p.max)
    return v


def _values(s) -> dict:
    return s.values if isinstance(s, Snapshot) else (s or {})


def morph_values(graph: Graph, a, b, t: float) -> dict[str, dict[str, Any]]:
    """Values between snapshot ``a`` (t=0) and ``b`` (t=1), by node id (saved form).
    ``a`` and ``b`` are :class:`Snapshot` objects or ``values`` dicts; nodes or parameters
    the graph no longer has are left out."""
    va, vb = _values(a), _values(b)
    t = float(t)
    if t != t:  # NaN
        t = 0.0
    out: dict[str, dict[str, Any]] = {}
    pubs = {(q.node, q.param): q for q in graph.published}
    for nid in list(dict.fromkeys([*va, *vb])):
        nd = graph.nodes.get(nid)
        spec = nd.spec if nd else None
        if spec is None:
            continue
        pa, pb = va.get(nid, {}), vb.get(nid, {})
        row = {}
        for name in dict.fromkeys([*pa, *pb]):
            try:
                p = spec.param(name)
            except KeyError:
                continue
            x = pa[name] if name in pa else _saved(graph, nid, p)
            y = pb[name] if name in pb else _saved(graph, nid, p)
            row[name] = blend(p, x, y, t, p.numeric and is_log(*_range(graph, nid, p, pubs)))
        out[nid] = row
    return out


def changed_structural(graph: Graph, a, b) -> list[str]:
    """``node.param`` of the structural parameters whose values differ between a and b."""
    va, vb = _values(a), _values(b)
    return [f"{nid}.{name}" for nid, name in structural_params(graph)
            if nid in va and nid in vb and name in va[nid] and name in vb[nid]
            and va[nid][name] != vb[nid][name]]
