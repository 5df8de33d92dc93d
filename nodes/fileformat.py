"""The versioned ``.graph`` file format: JSON <-> :class:`nodes.graph.Graph`.

The format is data only.  Loading never evaluates, imports or unpickles
anything the file names: a type id is looked up in the registry table and
nothing else.  Every failure becomes a :class:`GraphError` naming the file.

Format history (migrations live here, in order):

* v1: metadata at the top level, links as ``"src.port -> dst.port"`` strings
  under ``edges``, no per-node version, no published parameters.
* v2: ``meta`` block, link objects, per-node ``version``,
  ``published`` parameters, optional ``ui`` block.
* v3: optional ``tempo`` (bpm, beats per bar), ``controls`` (MIDI/OSC
  mappings), ``snapshots`` (named parameter values) blocks and a per-node
  ``bypass`` flag.  A v2 file migrates to the defaults: 120 bpm in 4/4, no
  controls, no snapshots, nothing bypassed.
* v4 (current): optional ``meta.grid`` ``[width, height]``, a rectangular simulation
  grid (e.g. ``[576, 320]``, Krea's frame); without it the grid is ``size`` x ``size``
  as before, so a v3 file migrates unchanged.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import registry
from .errors import Code, GraphError, Issue, Severity
from .graph import Control, Graph, Link, Meta, NodeData, Published, Snapshot, Tempo

FORMAT = "cagraph"
FORMAT_VERSION = 4
MAX_BYTES = 16 * 1024 * 1024


# -- schema (documents the format; `cagraph schema` prints it) ----------------

class _Strict(BaseModel):
    # NaN and infinities are not numbers a file may hold (a NaN bound passes every check)
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class MetaModel(_Strict):
    name: str = Field("untitled", max_length=200)
    description: str = Field("", max_length=10_000)
    size: int = Field(512, ge=16, le=8192, multiple_of=16,
                      description="simulation grid (size x size), a multiple of 16")
    fps: float = Field(30.0, ge=1, le=240)
    seed: int = Field(0, ge=0, le=2**63 - 1)
    width: int | None = Field(None, ge=16, le=8192, description="output width; default size")
    height: int | None = Field(None, ge=16, le=8192, description="output height; default size")
    grid: list[int] | None = Field(
        None, min_length=2, max_length=2,
        description="rectangular simulation grid [width, height], each a multiple of 16 "
                    "between 16 and 8192 (e.g. [576, 320]); default size x size")

    @model_validator(mode="after")
    def _both_or_neither(self):
        if (self.width is None) != (self.height is None):
            raise ValueError("give both width and height of the output frame, or neither")
        if self.grid is not None:
            bad = [v for v in self.grid if isinstance(v, bool) or v % 16 or not 16 <= v <= 8192]
            if bad:
                raise ValueError(f"grid {self.grid}: width and height must be multiples of "
                                 "16 between 16 and 8192")
        return self


class NodeModel(_Strict):
    id: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_\-]{0,63}$")
    type: str = Field(max_length=128)
    version: int = Field(1, ge=1, le=10_000)
    title: str | None = Field(None, max_length=200)
    params: dict[str, Any] = Field(default_factory=dict)
    bypass: bool = Field(False, description="the node passes its main input through")


class PortRef(_Strict):
    node: str = Field(max_length=64)
    port: str = Field(max_length=64)


class LinkModel(_Strict):
    src: PortRef
    dst: PortRef


class PublishedModel(_Strict):
    name: str = Field(pattern=r"^[a-z_][a-z0-9_]{0,63}$")
    node: str = Field(max_length=64)
    param: str = Field(max_length=64)
    label: str = Field("", max_length=200)
    min: float | None = None
    max: float | None = None
    order: int = 0


class TempoModel(_Strict):
    bpm: float = Field(120.0, ge=20, le=400)
    beats_per_bar: int = Field(4, ge=1, le=16)


class ControlModel(_Strict):
    source: Literal["midi_cc", "midi_note", "osc"]
    action: Literal["param", "restart", "snapshot", "morph"] = "param"
    channel: int | None = Field(None, ge=0, le=15, description="MIDI channel; none = any")
    number: int | None = Field(None, ge=0, le=127, description="CC or note number")
    address: str | None = Field(None, max_length=200, pattern=r"^/[^\s#*,?\[\]{}]*$")
    node: str | None = Field(None, max_length=64)
    param: str | None = Field(None, max_length=64)
    snapshot: str | None = Field(None, max_length=200)
    lo: float | None = None
    hi: float | None = None
    curve: float = Field(1.0, gt=0, le=10, description="exponent applied to the 0..1 value")
    invert: bool = False

    @model_validator(mode="after")
    def _complete(self):
        if self.source == "osc" and not self.address:
            raise ValueError("an OSC control needs an address")
        if self.source != "osc" and self.number is None:
            raise ValueError("a MIDI control needs a CC or note number")
        if self.action == "param" and not (self.node and self.param):
            raise ValueError("a param control needs node and param")
        if self.action == "snapshot" and not self.snapshot:
            raise ValueError("a snapshot control needs the snapshot's name")
        return self


class SnapshotModel(_Strict):
    name: str = Field(min_length=1, max_length=200)
    values: dict[str, dict[str, Any]] = Field(default_factory=dict,
                                              description="node id -> param -> value")
    published_only: bool = False


class GraphFile(_Strict):
    format: Literal["cagraph"]
    format_version: Literal[4]
    meta: MetaModel = Field(default_factory=MetaModel)
    nodes: list[NodeModel] = Field(default_factory=list, max_length=10_000)
    links: list[LinkModel] = Field(default_factory=list, max_length=100_000)
    published: list[PublishedModel] = Field(default_factory=list, max_length=1000)
    ui: dict[str, Any] = Field(default_factory=dict,
                               description="editor state (positions); the runtime ignores it")
    tempo: TempoModel = Field(default_factory=TempoModel)
    controls: list[ControlModel] = Field(default_factory=list, max_length=1000)
    snapshots: list[SnapshotModel] = Field(default_factory=list, max_length=1000)

    @model_validator(mode="after")
    def _unique_snapshots(self):
        names = [s.name for s in self.snapshots]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"snapshot name used twice: {dup[0]!r}")
        return self


def json_schema() -> dict:
    return GraphFile.model_json_schema()


# -- migrations ---------------------------------------------------------------

def _migrate_1_to_2(doc: dict) -> dict:
    meta = {k: doc.pop(k) for k in ("name", "description", "size", "fps", "seed") if k in doc}
    links = []
    for i, edge in enumerate(doc.pop("edges", [])):
        if not isinstance(edge, str) or "->" not in edge:
            raise ValueError(f"edges[{i}]: expected 'src.port -> dst.port', got {edge!r}")
        a, b = (s.strip() for s in edge.split("->", 1))
        if a.count(".") < 1 or b.count(".") < 1:
            raise ValueError(f"edges[{i}]: expected 'src.port -> dst.port', got {edge!r}")
        sn, sp = a.rsplit(".", 1)
        dn, dp = b.rsplit(".", 1)
        links.append({"src": {"node": sn, "port": sp}, "dst": {"node": dn, "port": dp}})
    nodes = doc.get("nodes", [])
    if isinstance(nodes, list):
        for n in nodes:
            if isinstance(n, dict):
                n.setdefault("version", 1)
    doc.update(format_version=2, meta=meta, links=links, published=[])
    return doc


def _migrate_2_to_3(doc: dict) -> dict:
    # v3 only adds optional blocks (tempo, controls, snapshots) and node bypass flags,
    # whose defaults are what a v2 file meant
    doc["format_version"] = 3
    return doc


def _migrate_3_to_4(doc: dict) -> dict:
    # v4 only adds the optional meta.grid; without it a graph is square, as v3 meant
    doc["format_version"] = 4
    return doc


MIGRATIONS = {1: _migrate_1_to_2, 2: _migrate_2_to_3, 3: _migrate_3_to_4}
#: type ids renamed since the first release: old -> new
RENAMED_TYPES: dict[str, str] = {"engine.gray_scott": "engine.grayscott"}


def migrate(doc: dict) -> dict:
    v = doc.get("format_version")
    if isinstance(v, bool) or not isinstance(v, int):
        raise GraphError(Issue(Code.SCHEMA, "format_version must be an integer"))
    if v > FORMAT_VERSION:
        raise GraphError(Issue(Code.UNSUPPORTED_VERSION,
                               f"format_version {v} is newer than this cagraph understands "
                               f"({FORMAT_VERSION}); upgrade cagraph"))
    if v < 1:
        raise GraphError(Issue(Code.UNSUPPORTED_VERSION, f"format_version {v} is not valid"))
    while v < FORMAT_VERSION:
        try:
            doc = MIGRATIONS[v](doc)
        except (ValueError, TypeError, AttributeError) as exc:
            raise GraphError(Issue(Code.SCHEMA, f"cannot migrate from v{v}: {exc}")) from None
        v += 1
    return doc


# -- load ---------------------------------------------------------------------

def loads(text: str | bytes, *, source: str | None = None, strict: bool = True) -> Graph:
    """Parse a ``.graph`` document.

    With ``strict`` (the runtime), unknown node types and bad params are errors.
    Without it (the editor), unknown types load as placeholder nodes that keep
    their params and links; the errors are left for :func:`nodes.validate`.
    """
    try:
        if isinstance(text, bytes):
            if len(text) > MAX_BYTES:
                raise GraphError(Issue(Code.MALFORMED_JSON, "file is larger than 16 MiB"))
            text = text.decode("utf-8-sig")  # a BOM (some Windows editors) is not an error
        doc = json.loads(text)
    except GraphError as exc:
        raise GraphError([i.with_file(source) for i in exc.issues]) from None
    except UnicodeDecodeError as exc:
        raise GraphError(Issue(Code.MALFORMED_JSON, f"not UTF-8 text ({exc.reason})",
                               file=source)) from None
    except json.JSONDecodeError as exc:
        raise GraphError(Issue(Code.MALFORMED_JSON,
                               f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
                               file=source)) from None
    except ValueError as exc:  # e.g. an integer literal longer than Python's 4300-digit limit
        msg = ("a number has more digits than any parameter can hold"
               if "integer string conversion" in str(exc) else str(exc))
        raise GraphError(Issue(Code.MALFORMED_JSON, f"invalid JSON: {msg}", file=source)) from None
    except RecursionError:
        raise GraphError(Issue(Code.MALFORMED_JSON, "JSON is nested too deeply",
                               file=source)) from None
    try:
        return from_dict(doc, source=source, strict=strict)
    except GraphError as exc:
        raise GraphError([i.with_file(source) for i in exc.issues]) from None
    except RecursionError:
        raise GraphError(Issue(Code.SCHEMA, "document is nested too deeply", file=source)) from None


def load(path: str | os.PathLike, *, strict: bool = True) -> Graph:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise GraphError(Issue(Code.IO, f"cannot read: {exc.strerror or exc}", file=str(p))) from None
    return loads(data, source=str(p), strict=strict)


def from_dict(doc: Any, *, source: str | None = None, strict: bool = True) -> Graph:
    if not isinstance(doc, dict):
        raise GraphError(Issue(Code.SCHEMA, "top level must be a JSON object"))
    if doc.get("format") != FORMAT:
        raise GraphError(Issue(Code.SCHEMA, f"not a cagraph file (format is {doc.get('format')!r},"
                                            f" expected {FORMAT!r})"))
    doc = migrate(dict(doc))
    try:
        model = GraphFile.model_validate(doc)
    except ValidationError as exc:
        issues = []
        for err in exc.errors()[:20]:
            loc = ".".join(str(x) for x in err["loc"])
            node_id = _node_id_at(doc, err["loc"])
            issues.append(Issue(Code.SCHEMA, f"{loc}: {err['msg']}", node_id=node_id))
        raise GraphError(issues) from None
    g = Graph(Meta(**model.meta.model_dump()))
    issues: list[Issue] = []
    for nm in model.nodes:
        if nm.id in g.nodes:
            issues.append(Issue(Code.DUPLICATE_ID, "node id used twice", node_id=nm.id,
                                node_type=nm.type))
            if strict:
                continue
            # the editor keeps the second node under a fresh id (links keep the first)
            nm = nm.model_copy(update={"id": _free_id(g, nm.id)})
        type_id = RENAMED_TYPES.get(nm.type, nm.type)
        spec = registry.get(type_id)
        params = dict(nm.params)
        version = nm.version
        if spec is not None:
            if version > spec.version:  # saved by a newer cagraph
                if strict:
                    issues.append(Issue(Code.UNSUPPORTED_VERSION,
                                        f"node version {version} is newer than this cagraph's "
                                        f"{type_id} (v{spec.version})", node_id=nm.id,
                                        node_type=type_id))
                # else kept untouched as a placeholder (NodeData.spec is None), so an
                # editor that opens and saves the file does not drop it
                g.nodes[nm.id] = NodeData(nm.id, type_id, version, params, nm.title, nm.bypass)
                continue
            if version < spec.version:
                params = spec.upgrade_params(params, version)
                version = spec.version
            coerced = {}
            for k, v in params.items():
                try:
                    p = spec.param(k)
                except KeyError:
                    issues.append(Issue(Code.UNKNOWN_PARAM, f"{type_id} has no parameter '{k}'",
                                        node_id=nm.id, node_type=type_id, param=k))
                    continue
                try:
                    coerced[k] = p.to_json(p.coerce(v))
                except ValueError as exc:
                    issues.append(Issue(Code.BAD_PARAM, str(exc), node_id=nm.id,
                                        node_type=type_id, param=k))
            params = coerced if strict else {**params, **coerced}
        elif strict:
            issues.append(Issue(Code.UNKNOWN_TYPE, f"unknown node type '{nm.type}'",
                                node_id=nm.id, node_type=nm.type))
        g.nodes[nm.id] = NodeData(nm.id, type_id, version, params, nm.title, nm.bypass)
    for lm in model.links:
        g.links.append(Link(lm.src.node, lm.src.port, lm.dst.node, lm.dst.port))
    for pm in model.published:
        g.published.append(Published(**pm.model_dump()))
    g.published.sort(key=lambda p: p.order)
    g.ui = model.ui
    g.tempo = Tempo(**model.tempo.model_dump())
    g.controls = [Control(**c.model_dump()) for c in model.controls]
    g.snapshots = [Snapshot(**sm.model_dump()) for sm in model.snapshots]
    if strict:
        from .validate import validate

        issues += [i for i in validate(g) if i.severity is Severity.ERROR
                   and i.code not in {x.code for x in issues if x.node_id == i.node_id}]
    if issues and strict:
        raise GraphError(issues)
    return g


def _free_id(g: Graph, base: str) -> str:
    base = f"{base[:56]}_dup"
    nid, i = base, 2
    while nid in g.nodes:
        nid, i = f"{base}{i}", i + 1
    return nid


def _node_id_at(doc: dict, loc: tuple) -> str | None:
    if len(loc) >= 2 and loc[0] == "nodes" and isinstance(loc[1], int):
        try:
            nid = doc["nodes"][loc[1]].get("id")
            return nid if isinstance(nid, str) else None
        except (IndexError, AttributeError, KeyError, TypeError):
            return None
    return None


# -- save ---------------------------------------------------------------------

def to_dict(graph: Graph) -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "meta": {k: v for k, v in vars(graph.meta).items()
                 if not (k in ("width", "height", "grid") and v is None)},
        "nodes": [
            {"id": n.id, "type": n.type, "version": n.version,
             **({"title": n.title} if n.title else {}), "params": dict(n.params),
             **({"bypass": True} if n.bypass else {})}
            for n in graph.nodes.values()
        ],
        "links": [{"src": {"node": lk.src, "port": lk.src_port},
                   "dst": {"node": lk.dst, "port": lk.dst_port}} for lk in graph.links],
        "published": [
            {k: v for k, v in vars(p).items() if v is not None} for p in graph.published
        ],
        **({"ui": graph.ui} if graph.ui else {}),
        **({"tempo": vars(graph.tempo).copy()} if graph.tempo != Tempo() else {}),
        **({"controls": [_changed_fields(c, "source") for c in graph.controls]}
           if graph.controls else {}),
        **({"snapshots": [_changed_fields(sn, "name", "values") for sn in graph.snapshots]}
           if graph.snapshots else {}),
    }


def _changed_fields(record, *always: str) -> dict:
    """A dataclass record as a dict of the fields in ``always`` plus those off their default."""
    fields = type(record).__dataclass_fields__
    return {k: copy.deepcopy(v) for k, v in vars(record).items()
            if k in always or v != fields[k].default}


def dumps(graph: Graph) -> str:
    return json.dumps(to_dict(graph), indent=2) + "\n"


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write via a temporary file in the same folder, fsync, then rename."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        # mkstemp creates 0600; the saved file gets what an ordinary write would give it:
        # an existing file keeps its mode, a new one follows the umask
        os.chmod(tmp, _mode_for(p))
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _mode_for(path: Path) -> int:
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def save(graph: Graph, path: str | os.PathLike) -> None:
    atomic_write_text(path, dumps(graph))
