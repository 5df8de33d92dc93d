"""Keep and bring back a running organism: a snapshot of a :class:`Runtime`'s state
(every node's state, the last values, the frame clock), and whether its engines'
organisms are dead (died out or flooded the world).

The editor takes one before each parameter edit; undoing an edit after which the
organism died restores the state from before it (undoing the value alone would leave
an empty world).
"""

from __future__ import annotations

import copy

#: a cell counts as alive above this (the liveness benchmark's threshold)
ALIVE_LEVEL = 0.05
#: an engine whose alive fraction is below DEAD_COVER has died out; above FLOOD_COVER
#: it has flooded the world (no structure left)
DEAD_COVER = 0.005
FLOOD_COVER = 0.97


class Snapshot:
    __slots__ = ("types", "states", "values", "prev", "clock")

    def __init__(self, types, states, values, prev, clock):
        self.types, self.states, self.values, self.prev, self.clock = (
            types, states, values, prev, clock)


def snapshot(rt) -> Snapshot:
    """A copy of ``rt``'s state (one deep copy, so buffers shared between a node's state
    and its output values stay shared)."""
    inst = rt._instances
    states, values, prev = copy.deepcopy(
        ({nid: n.state for nid, n in inst.items()}, rt.values, rt._prev_values))
    return Snapshot({nid: type(n) for nid, n in inst.items()}, states, values, prev,
                    (rt.frame, rt._clock, rt.shown, rt._rolled))


def restore(rt, snap: Snapshot) -> None:
    """Put ``snap`` back into ``rt`` for the nodes it still runs (same id and type);
    the others keep their state.  ``snap`` stays usable."""
    states, values, prev = copy.deepcopy((snap.states, snap.values, snap.prev))
    kept = set()
    for nid, inst in rt._instances.items():
        if nid in states and snap.types.get(nid) is type(inst):
            inst.state = states[nid]
            kept.add(nid)
    for target, source in ((rt.values, values), (rt._prev_values, prev)):
        for key in [k for k in target if k[0] in kept]:
            del target[key]
        target.update({k: v for k, v in source.items() if k[0] in kept})
    rt.frame, rt._clock, rt.shown, rt._rolled = snap.clock


def dead_engines(rt) -> list[str]:
    """Ids of the engines (``engine.*`` nodes) whose field has died out or flooded."""
    out = []
    for nid, inst in rt._instances.items():
        if not inst.type_id.startswith("engine."):
            continue
        field = rt.values.get((nid, "field"))
        if field is None:
            continue
        cover = float((rt.be.to_host(field) > ALIVE_LEVEL).mean())
        if cover < DEAD_COVER or cover > FLOOD_COVER:
            out.append(nid)
    return out


__all__ = ["Snapshot", "dead_engines", "restore", "snapshot"]
