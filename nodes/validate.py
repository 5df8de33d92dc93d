"""Semantic validation of a :class:`Graph` (the file already parsed)."""

from __future__ import annotations

from . import reach, registry
from .errors import Code, Issue, Severity
from .graph import Graph, find_cycle, port_kind
from .spec import Kind, ParamType, kinds_compatible


def validate(graph: Graph, *, file: str | None = None, targets=()) -> list[Issue]:
    """Every issue of ``graph``; ``targets`` are node ids a frame evaluates besides what
    the Output needs (the editor's probed node)."""
    issues: list[Issue] = []

    def add(*a, **kw):
        issues.append(Issue(*a, file=file, **kw))

    for nd in graph.nodes.values():
        spec = nd.spec
        if spec is None:
            newer = registry.get(nd.type) is not None
            add(Code.UNSUPPORTED_VERSION if newer else Code.UNKNOWN_TYPE,
                f"{nd.placeholder_reason} (kept as a placeholder)", node_id=nd.id,
                node_type=nd.type)
            continue
        ok = True
        full = spec.defaults()  # every param, as the node runs with them
        for k, v in nd.params.items():
            try:
                p = spec.param(k)
            except KeyError:
                add(Code.UNKNOWN_PARAM, f"{spec.type_id} has no parameter '{k}'", node_id=nd.id,
                    node_type=nd.type, param=k)
                ok = False
                continue
            try:
                full[k] = p.coerce(v)
            except ValueError as exc:
                add(Code.BAD_PARAM, str(exc), node_id=nd.id, node_type=nd.type, param=k)
                ok = False
        if ok:
            for k, msg in spec.check_params(full):
                add(Code.BAD_PARAM, msg, node_id=nd.id, node_type=nd.type, param=k,
                    severity=Severity.WARNING)

    connected: dict[tuple[str, str], int] = {}
    for lk in graph.links:
        s, d = graph.nodes.get(lk.src), graph.nodes.get(lk.dst)
        if s is None or d is None:
            missing = lk.src if s is None else lk.dst
            add(Code.UNKNOWN_NODE, f"link {lk.src}.{lk.src_port} -> {lk.dst}.{lk.dst_port} "
                f"names a node '{missing}' that does not exist", node_id=missing)
            continue
        connected[(lk.dst, lk.dst_port)] = connected.get((lk.dst, lk.dst_port), 0) + 1
        ss, ds = s.spec, d.spec
        if ss is None or ds is None:
            continue  # placeholder nodes: their ports are unknown, keep the link
        sk = port_kind(ss, lk.src_port, output=True)
        dk = port_kind(ds, lk.dst_port, output=False)
        if sk is None:
            add(Code.UNKNOWN_PORT, f"{ss.type_id} has no output '{lk.src_port}'", node_id=s.id,
                node_type=s.type, port=lk.src_port)
        if dk is None:
            add(Code.UNKNOWN_PORT, f"{ds.type_id} has no input '{lk.dst_port}'", node_id=d.id,
                node_type=d.type, port=lk.dst_port)
        if sk is not None and dk is not None and not kinds_compatible(sk, dk):
            add(Code.KIND_MISMATCH, f"{s.id}.{lk.src_port} is a {sk.value} but "
                f"{d.id}.{lk.dst_port} takes a {dk.value}", node_id=d.id, node_type=d.type,
                port=lk.dst_port)
    for (nid, port), n in connected.items():
        if n > 1:
            nd = graph.nodes[nid]
            add(Code.DUPLICATE_INPUT, f"{n} links go into one input", node_id=nid,
                node_type=nd.type, port=port)

    # a missing input stops the graph only where a frame needs the node (what the Output
    # and the probed ``targets`` depend on); elsewhere the node is not run: a warning
    eff = reach.effective_links(graph)
    need = reach.needed(graph, targets, eff)
    fed = {(lk.dst, lk.dst_port) for lk in eff}
    for nd in graph.nodes.values():
        spec = nd.spec
        if spec is None:
            continue
        for port in spec.inputs:
            if port.optional or (nd.id, port.name) in fed:
                continue
            what = f"required input '{port.name}' ({port.kind.value}) is not connected"
            if (nd.id, port.name) in connected:
                what = (f"required input '{port.name}' ({port.kind.value}) is fed only by a "
                        "bypassed node that has nothing to pass through")
            if nd.id in need:
                add(Code.MISSING_INPUT, what, node_id=nd.id, node_type=nd.type, port=port.name)
            elif not reach.is_bypassed(graph, nd.id):
                add(Code.MISSING_INPUT, f"{what}; the node feeds nothing the Output shows, "
                    "so it is not run", node_id=nd.id, node_type=nd.type, port=port.name,
                    severity=Severity.WARNING)

    cyc = find_cycle(graph)
    if cyc:
        add(Code.CYCLE, "cycle " + " -> ".join([*cyc, cyc[0]]) + " (feedback must pass "
            "through a Feedback delay node)", node_id=cyc[0], node_type=graph.nodes[cyc[0]].type)

    has_output = any(nd.spec is not None and nd.spec.type_id == "out.output"
                     for nd in graph.nodes.values())
    if graph.nodes and not has_output:
        add(Code.NO_OUTPUT, "graph has no Output node; nothing will be shown",
            severity=Severity.WARNING)

    names = set()
    for pub in graph.published:
        nd = graph.nodes.get(pub.node)
        where = dict(node_id=pub.node, param=pub.param)
        if pub.name in names:
            add(Code.BAD_PUBLISHED, f"published name '{pub.name}' used twice", **where)
        names.add(pub.name)
        if nd is None:
            add(Code.BAD_PUBLISHED, f"published '{pub.name}' names a missing node", **where)
            continue
        spec = nd.spec
        if spec is None:
            continue
        try:
            p = spec.param(pub.param)
        except KeyError:
            add(Code.BAD_PUBLISHED, f"published '{pub.name}': {spec.type_id} has no parameter "
                f"'{pub.param}'", node_type=nd.type, **where)
            continue
        if p.type in (ParamType.VEC3, ParamType.LIST):
            add(Code.BAD_PUBLISHED, f"published '{pub.name}': only number, bool and choice "
                "parameters can be published", node_type=nd.type, **where)
        if p.numeric:
            lo, hi = pub.bounds(p)
            if lo > hi or lo < p.min or hi > p.max:
                add(Code.BAD_PUBLISHED, f"published '{pub.name}': range [{lo:g}, {hi:g}] must lie "
                    f"within the parameter's [{p.min:g}, {p.max:g}]", node_type=nd.type, **where)
        driver = next((lk for lk in graph.links
                       if lk.dst == pub.node and lk.dst_port == pub.param), None)
        if driver is not None:
            add(Code.BAD_PUBLISHED, f"published '{pub.name}' has no effect: {pub.node}."
                f"{pub.param} is driven by {driver.src}.{driver.src_port} (publish the "
                "driver's own parameter instead, e.g. an LFO's centre)", node_type=nd.type,
                severity=Severity.WARNING, **where)
    return issues


def errors(graph: Graph, *, file: str | None = None, targets=()) -> list[Issue]:
    return [i for i in validate(graph, file=file, targets=targets) if i.severity is Severity.ERROR]


__all__ = ["validate", "errors", "Kind"]
