"""The grid a graph simulates on, which may be finer than the grid asked for.

Sizes in a graph are given at 512 px and scale with the grid, so the same organism
appears at every size.  Some nodes cannot draw theirs on fewer pixels: Gray-Scott's
filaments are 3-4 px wide at 512, and at half that the 9-point stencil pins them to the
pixel lattice (axis-aligned stubs and stripes instead of the 512 maze); MNCA's sharp
rules, on rings half as wide, grow another organism (mnca_hunt: a grainy cup where 512
has a bean).  Such a node
declares the shortest grid side it resolves (``Node.min_grid_for``).  A graph run on a
grid whose shorter side is below that simulates on the grid times the smallest whole
number ``k`` that reaches it (256 -> 512, 576x320 -> 1152x640, width x height: the shape exactly kept),
and its Output box-averages the k x k blocks back to the grid asked for before fitting
the frame: the frame is the finer run's, scaled down.  ``k`` is the run's *lift*; 1
leaves everything as it was (every graph without such a node).

Qt-free; the Runtime, the CLI, the editor's preview and the Scope plugin read this.
"""

from __future__ import annotations

import math

from .graph import Graph

#: no side of a lifted grid exceeds this (the Runtime's own limit on a grid side)
MAX_SIDE = 8192


def _needs(graph: Graph, targets=()):
    """(node class, the shortest side it needs) of each node a frame runs that needs one.
    Bypassed nodes and nodes the Output (and ``targets``) do not need do not count."""
    from . import reach

    try:
        run = reach.needed(graph, targets)
    except Exception:  # an unrunnable graph (compile names why): every node counts
        run = set(graph.nodes)
    for nid in sorted(run):
        nd = graph.nodes.get(nid)
        spec = None if nd is None else nd.spec
        if spec is None or reach.is_bypassed(graph, nid):
            continue
        want = int(spec.min_grid_for({**spec.defaults(), **nd.params}) or 0)
        if want > 0:
            yield spec, want


def min_grid(graph: Graph, targets=()) -> int:
    """The shortest grid side the nodes a frame runs need (0: any grid)."""
    return max((want for _, want in _needs(graph, targets)), default=0)


def lift_factor(graph: Graph, grid: tuple[int, int], targets=()) -> int:
    """The whole number the grid ``(width, height)`` is multiplied by to simulate
    ``graph`` (1: the grid itself), capped so that no side exceeds ``MAX_SIDE``."""
    need = min_grid(graph, targets)
    short = min(int(grid[0]), int(grid[1]))
    if need <= 0 or short >= need:
        return 1
    k = math.ceil(need / short)
    return max(1, min(k, MAX_SIDE // max(int(grid[0]), int(grid[1]))))


def lifted(grid: tuple[int, int], k: int) -> tuple[int, int]:
    return int(grid[0]) * int(k), int(grid[1]) * int(k)


def why(graph: Graph) -> str:
    """Which node needs the finer grid, by its own title and ``min_grid_for``, e.g.
    ``MNCA needs at least 512 px to draw its pattern`` ('' when none does)."""
    needs = list(_needs(graph))
    if not needs:
        return ""
    need = max(w for _, w in needs)
    titles = sorted({spec.title for spec, w in needs if w == need})
    return f"{' and '.join(titles)} needs at least {need} px to draw its pattern"


__all__ = ["MAX_SIDE", "lift_factor", "lifted", "min_grid", "why"]
