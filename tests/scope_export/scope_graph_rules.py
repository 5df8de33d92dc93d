"""A check of a Scope graph section as Scope 0.2.4 reads it, written from its rules.

Scope (server/graph_schema.py) parses a graph as ``GraphConfig{nodes, edges}`` with
pydantic: a node has an ``id`` and a ``type`` (source, pipeline, sink, record, node),
optional ``pipeline_id``, ``node_type_id``, ``params``, ``source_mode``, ``source_name``,
``source_flip_vertical``, ``tempo_sync`` (bool), ``sink_mode``, ``sink_name``; unknown
keys (the editor's ``x, y, w, h``) are ignored.  An edge has ``from``, ``from_port``,
``to_node``, ``to_port`` and ``kind`` (stream or parameter).  Its structure check wants
unique ids, a sink, a ``pipeline_id`` on pipeline nodes and edges between existing
nodes; the executor then wants every edge on a port the node declares and no two
edges into one input port.  This module restates those rules (our own code) so CI can
check an export without Scope installed; where Scope runs, the tests also use Scope's
own models.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

#: the ports a pipeline declares (its config's ``inputs``/``outputs``)
PORTS = {
    "krea-realtime-video": (("video", "vace_input_frames", "vace_input_masks"), ("video",)),
}
CA_PORTS = (("video",), ("video",))


class Node(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    type: Literal["source", "pipeline", "sink", "record", "node"]
    pipeline_id: str | None = None
    node_type_id: str | None = None
    params: dict[str, Any] | None = None
    source_mode: str | None = None
    source_name: str | None = None
    source_flip_vertical: StrictBool = False
    tempo_sync: StrictBool = False
    sink_mode: str | None = None
    sink_name: str | None = None
    x: float | None = None
    y: float | None = None
    w: float | None = None
    h: float | None = None


class Edge(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    from_node: str = Field(alias="from")
    from_port: str
    to_node: str
    to_port: str
    kind: Literal["stream", "parameter"] = "stream"


class Graph(BaseModel):
    model_config = ConfigDict(extra="ignore")
    nodes: list[Node]
    edges: list[Edge]


def problems(doc: dict) -> list[str]:
    """Everything Scope would refuse in ``doc`` (a graph section); empty when valid."""
    g = Graph.model_validate(doc)  # raises pydantic.ValidationError on a bad shape
    out: list[str] = []
    ids = [n.id for n in g.nodes]
    if len(set(ids)) != len(ids):
        out.append(f"duplicate node ids in {ids}")
    if not any(n.type == "sink" for n in g.nodes):
        out.append("no sink node")
    by_id = {n.id: n for n in g.nodes}
    for n in g.nodes:
        if n.type == "pipeline" and not n.pipeline_id:
            out.append(f"pipeline node {n.id!r} has no pipeline_id")
        if n.type == "node" and not n.node_type_id:
            out.append(f"node {n.id!r} has no node_type_id")
    taken: set[tuple[str, str]] = set()
    for e in g.edges:
        src, dst = by_id.get(e.from_node), by_id.get(e.to_node)
        if src is None or dst is None:
            out.append(f"edge {e.from_node}->{e.to_node} names a missing node")
            continue
        if src.type == "pipeline":
            outs = PORTS.get(src.pipeline_id, CA_PORTS)[1]
            if e.from_port not in outs:
                out.append(f"{src.id} has no output port {e.from_port!r}")
        if dst.type == "pipeline":
            ins = PORTS.get(dst.pipeline_id, CA_PORTS)[0]
            if e.to_port not in ins:
                out.append(f"{dst.id} has no input port {e.to_port!r}")
        if dst.type == "source":
            out.append(f"edge into source {dst.id}")
        if e.kind == "stream":
            if (e.to_node, e.to_port) in taken:
                out.append(f"two edges into {e.to_node}.{e.to_port}")
            taken.add((e.to_node, e.to_port))
    return out
