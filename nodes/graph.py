"""The graph model: the one source of truth shared by runtime, editor and exporter.

A :class:`Graph` is plain data (nodes with params, ordered links between named
ports, published parameters, metadata, an opaque ``ui`` block).  Editing
methods check what they can locally and emit events so that views (the Qt
editor) can mirror the model without ever being the model.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from . import registry
from .errors import Code, GraphError, Issue
from .spec import Node, kinds_compatible

ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]{0,63}$")
NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,63}$")


@dataclass
class Meta:
    name: str = "untitled"
    description: str = ""
    size: int = 512
    fps: float = 30.0
    seed: int = 0
    width: int | None = None  # output size; None = the simulation size
    height: int | None = None
    #: a rectangular simulation grid [width, height] (format v4); None: size x size
    grid: list | None = None


@dataclass
class Tempo:
    """The graph's musical clock (format v3): beat-synced LFOs, the Beat Clock node."""

    bpm: float = 120.0
    beats_per_bar: int = 4


@dataclass
class Control:
    """One controller mapping (format v3): a MIDI CC/note or an OSC address bound to an
    action.  ``action`` is ``param`` (``node``/``param`` name the target; the incoming
    0..1 value maps onto ``lo``..``hi``, default the parameter's range, through ``curve``
    (an exponent) and ``invert``), ``restart``, ``snapshot`` (recall ``snapshot``) or
    ``morph`` (the A/B morph amount)."""

    source: str  # "midi_cc" | "midi_note" | "osc"
    action: str = "param"  # "param" | "restart" | "snapshot" | "morph"
    channel: int | None = None  # MIDI channel 0..15; None = any
    number: int | None = None  # CC or note number 0..127
    address: str | None = None  # OSC address
    node: str | None = None
    param: str | None = None
    snapshot: str | None = None
    lo: float | None = None
    hi: float | None = None
    curve: float = 1.0
    invert: bool = False


@dataclass
class Snapshot:
    """Named parameter values (format v3): ``values[node_id][param] = value``."""

    name: str
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    published_only: bool = False


@dataclass
class NodeData:
    id: str
    type: str
    version: int = 1
    params: dict[str, Any] = field(default_factory=dict)
    title: str | None = None  # user label; None = the type's title
    bypass: bool = False  # format v3: the node passes its main input through

    @property
    def spec(self) -> type[Node] | None:
        """The node's class; None for a placeholder: an unknown type, or a node saved by a
        newer cagraph whose version of the type this build cannot read."""
        spec = registry.get(self.type)
        return None if spec is None or self.version > spec.version else spec

    @property
    def placeholder_reason(self) -> str | None:
        spec = registry.get(self.type)
        if spec is None:
            return f"unknown node type '{self.type}'"
        if self.version > spec.version:
            return (f"{self.type} version {self.version} is newer than this cagraph's "
                    f"(v{spec.version})")
        return None


@dataclass(frozen=True)
class Link:
    src: str
    src_port: str
    dst: str
    dst_port: str


@dataclass
class Published:
    """A node parameter exposed to Scope (and the CLI's ``--set``)."""

    name: str  # identifier: Scope field name
    node: str
    param: str
    label: str = ""
    min: float | None = None
    max: float | None = None
    order: int = 0

    def bounds(self, p) -> tuple:
        """The slider's range for parameter spec ``p``: the published min and max, else
        the parameter's own."""
        return (p.min if self.min is None else self.min, p.max if self.max is None else self.max)


class Graph:
    def __init__(self, meta: Meta | None = None):
        self.meta = meta or Meta()
        self.nodes: dict[str, NodeData] = {}
        self.links: list[Link] = []
        self.published: list[Published] = []
        self.ui: dict[str, Any] = {}
        self.tempo = Tempo()
        self.controls: list[Control] = []
        self.snapshots: list[Snapshot] = []
        self._listeners: list[Callable[[str, dict], None]] = []

    # -- events ---------------------------------------------------------------
    def subscribe(self, fn: Callable[[str, dict], None]) -> Callable[[], None]:
        self._listeners.append(fn)
        return lambda: self._listeners.remove(fn)

    def _emit(self, event: str, **payload) -> None:
        for fn in list(self._listeners):
            fn(event, payload)

    # -- queries --------------------------------------------------------------
    def node(self, node_id: str) -> NodeData:
        try:
            return self.nodes[node_id]
        except KeyError:
            raise GraphError(Issue(Code.UNKNOWN_NODE, f"no node with id '{node_id}'")) from None

    def links_into(self, node_id: str) -> list[Link]:
        return [lk for lk in self.links if lk.dst == node_id]

    def links_from(self, node_id: str) -> list[Link]:
        return [lk for lk in self.links if lk.src == node_id]

    def param_value(self, node_id: str, name: str) -> Any:
        nd = self.node(node_id)
        if name in nd.params:
            return nd.params[name]
        spec = nd.spec
        return spec.param(name).default if spec else None

    def new_id(self, base: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_]", "_", base.split(".")[-1]) or "node"
        if base not in self.nodes:
            return base
        i = 2
        while f"{base}{i}" in self.nodes:
            i += 1
        return f"{base}{i}"

    # -- edits ----------------------------------------------------------------
    def add_node(self, type_id: str, node_id: str | None = None, params: dict | None = None,
                 version: int | None = None) -> NodeData:
        spec = registry.get(type_id)
        node_id = node_id or self.new_id(type_id)
        if node_id in self.nodes:
            raise GraphError(Issue(Code.DUPLICATE_ID, f"node id '{node_id}' already exists",
                                   node_id=node_id))
        if not ID_RE.match(node_id):
            raise GraphError(Issue(Code.SCHEMA, f"bad node id {node_id!r}", node_id=node_id))
        params = dict(params or {})
        if spec is not None:
            for k, v in params.items():
                params[k] = _coerce_param(spec, node_id, k, v)
        nd = NodeData(node_id, type_id, version or (spec.version if spec else 1), params)
        self.nodes[node_id] = nd
        self._emit("node_added", node=nd)
        return nd

    def remove_node(self, node_id: str) -> None:
        self.node(node_id)
        for lk in [lk for lk in self.links if node_id in (lk.src, lk.dst)]:
            self.disconnect(lk)
        self.published = [p for p in self.published if p.node != node_id]
        del self.nodes[node_id]
        self._emit("node_removed", node_id=node_id)

    def set_param(self, node_id: str, name: str, value: Any) -> Any:
        nd = self.node(node_id)
        spec = nd.spec
        if spec is not None:
            value = _coerce_param(spec, node_id, name, value)
        old = nd.params.get(name)
        nd.params[name] = value
        self._emit("param_changed", node_id=node_id, name=name, value=value, old=old)
        return value

    def check_link(self, link: Link) -> None:
        """Raise GraphError if ``link`` cannot be added (kinds, ports, cycles)."""
        for nid in (link.src, link.dst):
            if nid not in self.nodes:
                raise GraphError(Issue(Code.UNKNOWN_NODE, f"no node with id '{nid}'"))
        s, d = self.nodes[link.src], self.nodes[link.dst]
        ss, ds = s.spec, d.spec
        if ss is not None and ds is not None:
            src_kind = port_kind(ss, link.src_port, output=True)
            dst_kind = port_kind(ds, link.dst_port, output=False)
            if src_kind is None:
                raise GraphError(Issue(Code.UNKNOWN_PORT, "no such output", node_id=s.id,
                                       node_type=s.type, port=link.src_port))
            if dst_kind is None:
                raise GraphError(Issue(Code.UNKNOWN_PORT, "no such input", node_id=d.id,
                                       node_type=d.type, port=link.dst_port))
            if not kinds_compatible(src_kind, dst_kind):
                raise GraphError(Issue(
                    Code.KIND_MISMATCH,
                    f"cannot connect {s.id}.{link.src_port} ({src_kind.value}) to "
                    f"{d.id}.{link.dst_port} ({dst_kind.value})",
                    node_id=d.id, node_type=d.type, port=link.dst_port))
        for lk in self.links:
            if lk.dst == link.dst and lk.dst_port == link.dst_port and lk != link:
                raise GraphError(Issue(Code.DUPLICATE_INPUT, "input already connected",
                                       node_id=d.id, node_type=d.type, port=link.dst_port))
        if creates_cycle(self, link):
            raise GraphError(Issue(
                Code.CYCLE, f"linking {link.src} -> {link.dst} would make a cycle; "
                "feed back through a 'Feedback (delay)' node", node_id=d.id, node_type=d.type,
                port=link.dst_port))

    def connect(self, src: str, src_port: str, dst: str, dst_port: str, *,
                replace: bool = False) -> Link:
        link = Link(src, src_port, dst, dst_port)
        if link in self.links:
            return link
        if replace:
            for lk in [lk for lk in self.links if lk.dst == dst and lk.dst_port == dst_port]:
                self.disconnect(lk)
        self.check_link(link)
        self.links.append(link)
        self._emit("linked", link=link)
        return link

    def disconnect(self, link: Link) -> None:
        if link in self.links:
            self.links.remove(link)
            self._emit("unlinked", link=link)

    def publish(self, pub: Published) -> Published:
        if not NAME_RE.match(pub.name):
            raise GraphError(Issue(Code.BAD_PUBLISHED, f"published name {pub.name!r} must be "
                                   "lowercase letters, digits and _", node_id=pub.node,
                                   param=pub.param))
        self.published = [p for p in self.published
                          if p.name != pub.name and (p.node, p.param) != (pub.node, pub.param)]
        self.published.append(pub)
        self.published.sort(key=lambda p: p.order)
        self._emit("published_changed")
        return pub

    def unpublish(self, name: str) -> None:
        self.published = [p for p in self.published if p.name != name]
        self._emit("published_changed")

    def copy(self) -> "Graph":
        g = Graph(copy.deepcopy(self.meta))
        g.nodes = copy.deepcopy(self.nodes)
        g.links = list(self.links)
        g.published = copy.deepcopy(self.published)
        g.ui = copy.deepcopy(self.ui)
        g.tempo = copy.deepcopy(self.tempo)
        g.controls = copy.deepcopy(self.controls)
        g.snapshots = copy.deepcopy(self.snapshots)
        return g


def port_kind(spec: type[Node], name: str, *, output: bool):
    """Kind of a port; for inputs, a modulatable param name is a scalar port."""
    from .spec import Kind

    ports = spec.outputs if output else spec.inputs
    for p in ports:
        if p.name == name:
            return p.kind
    if not output:
        for p in spec.params:
            if p.name == name and p.modulatable:
                return Kind.SCALAR
    return None


def coerce_known(spec: type[Node] | None, node_id: str, params: dict) -> dict:
    """``params`` with every value ``spec`` accepts in its saved form, and the rest kept
    as given: what a non-strict load or a paste keeps of a node (validation reports
    what it cannot read, and nothing the user made is dropped)."""
    out = copy.deepcopy(params)
    if spec is not None:
        for k, v in params.items():
            try:
                out[k] = _coerce_param(spec, node_id, k, v)
            except GraphError:
                pass
    return out


def _coerce_param(spec: type[Node], node_id: str, name: str, value: Any) -> Any:
    try:
        p = spec.param(name)
    except KeyError:
        raise GraphError(Issue(Code.UNKNOWN_PARAM, f"{spec.type_id} has no parameter '{name}'",
                               node_id=node_id, node_type=spec.type_id, param=name)) from None
    try:
        return p.to_json(p.coerce(value))
    except ValueError as exc:
        raise GraphError(Issue(Code.BAD_PARAM, str(exc), node_id=node_id,
                               node_type=spec.type_id, param=name)) from None


def _is_delay(graph: Graph, node_id: str) -> bool:
    spec = graph.nodes[node_id].spec
    return bool(spec and spec.is_delay)


def creates_cycle(graph: Graph, new: Link | None = None) -> bool:
    return bool(find_cycle(graph, extra=new))


def find_cycle(graph: Graph, extra: Link | None = None) -> list[str]:
    """Node ids on a cycle that does not pass through a delay node, or []."""
    adj: dict[str, list[str]] = {n: [] for n in graph.nodes}
    for lk in [*graph.links, *([extra] if extra else [])]:
        if lk.src in adj and lk.dst in adj and not _is_delay(graph, lk.dst):
            adj[lk.src].append(lk.dst)
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(adj, WHITE)
    for root in adj:
        if colour[root] != WHITE:
            continue
        stack = [(root, iter(adj[root]))]
        path = [root]
        colour[root] = GREY
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                colour[node] = BLACK
                stack.pop()
                path.pop()
            elif colour[nxt] == GREY:
                return path[path.index(nxt):]
            elif colour[nxt] == WHITE:
                colour[nxt] = GREY
                stack.append((nxt, iter(adj[nxt])))
                path.append(nxt)
    return []


def topo_order(graph: Graph) -> list[str]:
    """Nodes in evaluation order (delay nodes' inputs do not constrain order)."""
    indeg = dict.fromkeys(graph.nodes, 0)
    adj: dict[str, list[str]] = {n: [] for n in graph.nodes}
    for lk in graph.links:
        if lk.src in adj and lk.dst in adj and not _is_delay(graph, lk.dst):
            adj[lk.src].append(lk.dst)
            indeg[lk.dst] += 1
    # stable: ready nodes in insertion order, delay nodes first so that they hand out
    # last frame's values before anything upstream of them overwrites its buffers
    ready = [n for n in graph.nodes if indeg[n] == 0]
    ready.sort(key=lambda n: not _is_delay(graph, n))
    order = []
    while ready:
        n = ready.pop(0)
        order.append(n)
        for m in adj[n]:
            indeg[m] -= 1
            if indeg[m] == 0:
                ready.append(m)
    if len(order) != len(graph.nodes):
        raise GraphError(Issue(Code.CYCLE, "graph has a cycle: " + " -> ".join(find_cycle(graph))))
    return order
