"""Parameters driven by links, and the ranges of the LFOs that drive them.

An LFO's own ``center`` and ``depth`` span -1000..1000 and 0..1000 (it can drive
anything), so on a slider of that span a small drag swings a Lenia ``mu`` (0.05..0.35)
far out of range.  An LFO whose ``out`` drives numeric parameters works in their units:
its centre is bounded by their range and its depth by half of it (a full swing from the
range's bottom to its top).  The runtime clamps every driven value to the target's range
(:meth:`nodes.evaluator.Runtime._params_for`), so the value never leaves it.
"""

from __future__ import annotations

from .graph import Graph, Link

LFO_TYPE = "signal.lfo"
#: the LFO's parameters that are in the driven parameter's units
LFO_UNIT_PARAMS = ("center", "depth")


def driver_of(graph: Graph, node_id: str, param: str) -> Link | None:
    """The link driving ``node_id.param``, or None."""
    return next((lk for lk in graph.links if lk.dst == node_id and lk.dst_port == param), None)


def driver_label(graph: Graph, link: Link) -> str:
    """'LFO lfo1' style: the driving node's title (or its type's) and its id."""
    nd = graph.nodes.get(link.src)
    if nd is None:
        return link.src
    spec = nd.spec
    kind = spec.title if spec is not None else nd.type
    own = f"{kind} {nd.id}"
    return f"{nd.title} ({own})" if nd.title and nd.title != kind else own


def target_range(graph: Graph, lfo_id: str) -> tuple[float, float] | None:
    """The range shared by the numeric params ``lfo_id.out`` drives (their intersection;
    the first target's where they do not overlap), or None when it drives none."""
    lo = hi = None
    first = None
    for lk in graph.links:
        if lk.src != lfo_id or lk.src_port != "out":
            continue
        nd = graph.nodes.get(lk.dst)
        spec = nd.spec if nd is not None else None
        if spec is None:
            continue
        try:
            p = spec.param(lk.dst_port)
        except KeyError:
            continue  # an input port, not a param
        if not p.numeric:
            continue
        first = first or (float(p.min), float(p.max))
        lo = float(p.min) if lo is None else max(lo, float(p.min))
        hi = float(p.max) if hi is None else min(hi, float(p.max))
    if first is None:
        return None
    return (lo, hi) if lo <= hi else first


def unit_bounds(graph: Graph, node_id: str, param: str) -> tuple[float, float] | None:
    """Bounds for ``node_id.param`` narrower than its spec's, or None: an LFO's centre
    and depth in the units of the parameters it drives."""
    nd = graph.nodes.get(node_id)
    if nd is None or nd.type != LFO_TYPE or param not in LFO_UNIT_PARAMS:
        return None
    rng = target_range(graph, node_id)
    if rng is None:
        return None
    lo, hi = rng
    return (lo, hi) if param == "center" else (0.0, (hi - lo) / 2.0)


__all__ = ["driver_label", "driver_of", "target_range", "unit_bounds"]
