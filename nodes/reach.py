"""What a frame needs: the nodes the Output (and any probed node) depend on, with
bypassed nodes spliced out of the wiring.

Used by the evaluator (it runs only these nodes), by validation (a node outside them
that misses an input is a warning, not an error) and by the editor (the probe).

Bypass: a bypassed node passes its *main input* through, the first input whose kind
equals its main (first) output's kind; links from that output are re-sourced from
whatever feeds that input.  A bypassed node without such an input, a bypassed delay
node (splicing it would close its feedback loop without a delay) and any other output
of a bypassed node give nothing: the links from them are dropped, so what they fed
behaves as unwired (an optional input is absent, a driven parameter keeps its value).
"""

from __future__ import annotations

from typing import Iterable

from .graph import Graph, Link

OUTPUT_TYPE = "out.output"


def is_bypassed(graph: Graph, node_id: str) -> bool:
    """Whether ``node_id`` is bypassed (an Output node ignores bypass: it is the frame)."""
    nd = graph.nodes.get(node_id)
    return nd is not None and nd.bypass and nd.type != OUTPUT_TYPE


def passthrough_input(graph: Graph, node_id: str) -> tuple[str, str] | None:
    """(main input, main output) a bypassed node passes through, or None (skipped)."""
    spec = graph.nodes[node_id].spec
    if spec is None or spec.is_delay or not spec.outputs:
        return None
    main = spec.outputs[0]
    for port in spec.inputs:
        if port.kind == main.kind:
            return port.name, main.name
    return None


def effective_links(graph: Graph) -> list[Link]:
    """The graph's links with every bypassed node spliced out (see the module doc)."""
    into: dict[tuple[str, str], Link] = {(lk.dst, lk.dst_port): lk for lk in graph.links}

    def source(src: str, port: str, seen: frozenset = frozenset()) -> tuple[str, str] | None:
        if not is_bypassed(graph, src):
            return src, port
        if src in seen:  # a loop of bypassed nodes: nothing comes out
            return None
        pt = passthrough_input(graph, src)
        if pt is None or pt[1] != port:
            return None
        up = into.get((src, pt[0]))
        return None if up is None else source(up.src, up.src_port, seen | {src})

    out = []
    for lk in graph.links:
        if is_bypassed(graph, lk.dst):
            continue  # a bypassed node runs nothing: its inputs feed no one
        src = source(lk.src, lk.src_port)
        if src is not None:
            out.append(Link(src[0], src[1], lk.dst, lk.dst_port))
    return out


def is_sink(type_id: str) -> bool:
    """A node that sends something out of the graph: the Output (the frame) and the other
    ``out.*`` nodes (Krea Parameters: values for the pipelines downstream)."""
    return type_id.startswith("out.")


def roots(graph: Graph, targets: Iterable[str] = ()) -> set[str]:
    """The sinks (the Output, Krea Parameters; a bypassed sink other than the Output sends
    nothing) plus ``targets`` (probed nodes) that are in the graph."""
    r = {nid for nid, nd in graph.nodes.items()
         if nd.type == OUTPUT_TYPE or (is_sink(nd.type) and not is_bypassed(graph, nid))}
    r |= {t for t in targets if t in graph.nodes}
    return r


def needed(graph: Graph, targets: Iterable[str] = (), links: list[Link] | None = None) -> set[str]:
    """Ids of the nodes a frame evaluates: the roots and everything that feeds them
    (inputs and driven parameters, through delay nodes too).  A graph with no Output
    node and no target needs every node that is not bypassed (nothing is shown, but
    everything runs, as before)."""
    targets = list(targets)
    links = effective_links(graph) if links is None else links
    start = roots(graph, targets)
    if not start and not targets and not any(nd.type == OUTPUT_TYPE
                                             for nd in graph.nodes.values()):
        return {nid for nid in graph.nodes if not is_bypassed(graph, nid)}
    feeds: dict[str, list[str]] = {}
    for lk in links:
        feeds.setdefault(lk.dst, []).append(lk.src)
    seen = set(start)
    stack = list(start)
    while stack:
        for src in feeds.get(stack.pop(), ()):
            if src not in seen and src in graph.nodes:
                seen.add(src)
                stack.append(src)
    return seen


__all__ = ["effective_links", "is_bypassed", "is_sink", "needed", "passthrough_input", "roots"]
