"""The editor's document: one ``nodes.Graph`` (the truth), its file and its undo stack.

Every edit the user makes goes through a ``QUndoCommand`` here that changes the
model; views (NodeGraphQt canvas, panels, preview) only listen.  Node positions
and backdrops live in ``graph.ui`` so they are saved with the file and the
runtime ignores them.
"""

from __future__ import annotations

import copy
import itertools
import math
import re
from pathlib import Path
from typing import Any

from PySide6 import QtCore, QtGui

from nodes import fileformat
from nodes.drive import unit_bounds
from nodes.errors import GraphError
from nodes.graph import NAME_RE, Graph, Link, Published, coerce_known

_merge_tokens = itertools.count(1)


def new_merge_token() -> int:
    """A token that makes consecutive param edits (one slider drag) one undo step."""
    return next(_merge_tokens)


def _xy(v, positive: bool = False) -> list[float] | None:
    """[x, y] from a JSON value, or None when it is not two finite numbers."""
    if not (isinstance(v, (list, tuple)) and len(v) == 2):
        return None
    try:
        out = [float(v[0]), float(v[1])]
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(x) and (x > 0 or not positive) for x in out):
        return None
    return out


def sanitize_ui(ui: dict) -> int:
    """Repair, in place, the parts of a file's ``ui`` block the editor reads (node
    positions, backdrops); the block is free-form JSON to the runtime, so a hand edit
    or another tool can leave anything there.  Returns how many entries were dropped
    or repaired.  Keys the editor does not know are left alone."""
    fixed = 0
    nodes = ui.get("nodes")
    if nodes is not None and not isinstance(nodes, dict):
        ui.pop("nodes")
        fixed += 1
    for nid, ent in list((ui.get("nodes") or {}).items()):
        if not isinstance(ent, dict):
            del ui["nodes"][nid]
            fixed += 1
        elif "pos" in ent and _xy(ent["pos"]) is None:
            del ent["pos"]
            fixed += 1
    bds = ui.get("backdrops")
    if bds is not None and not isinstance(bds, list):
        ui.pop("backdrops")
        fixed += 1
    clean, seen = [], set()
    for rec in ui.get("backdrops") or []:
        if not isinstance(rec, dict):
            fixed += 1
            continue
        rec = dict(rec)
        if not isinstance(rec.get("id"), str) or rec["id"] in seen:
            i = 1
            while f"backdrop{i}" in seen or any(isinstance(r, dict) and r.get("id") ==
                                                f"backdrop{i}" for r in ui["backdrops"]):
                i += 1
            rec["id"] = f"backdrop{i}"
            fixed += 1
        seen.add(rec["id"])
        for key, default, positive in (("pos", [0.0, 0.0], False), ("size", [400.0, 300.0], True)):
            if key in rec and _xy(rec[key], positive) is None:
                rec[key] = default
                fixed += 1
        col = rec.get("color")
        if col is not None and not (isinstance(col, (list, tuple)) and len(col) >= 3 and all(
                isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255
                for c in col[:3])):
            rec["color"] = [40, 52, 70]
            fixed += 1
        for key in ("title", "text"):
            if key in rec and not isinstance(rec[key], str):
                rec[key] = str(rec[key])
                fixed += 1
        clean.append(rec)
    if ui.get("backdrops"):
        ui["backdrops"] = clean
    return fixed


def read_graph(path) -> tuple[Graph, int]:
    """A file as the editor reads it: non-strict (placeholders kept), its ``ui`` block
    repaired; returns the graph and how many layout entries were repaired."""
    g = fileformat.load(path, strict=False)
    return g, sanitize_ui(g.ui)


def node_pos(graph: Graph, nid: str) -> list[float] | None:
    ent = graph.ui.get("nodes", {}).get(nid)
    return list(ent["pos"]) if ent and "pos" in ent else None


def _set_pos(graph: Graph, nid: str, pos) -> None:
    if pos is None:
        return
    graph.ui.setdefault("nodes", {}).setdefault(nid, {})["pos"] = [float(pos[0]), float(pos[1])]


def _node_record(graph: Graph, nid: str) -> dict:
    nd = graph.nodes[nid]
    return {"id": nd.id, "type": nd.type, "version": nd.version,
            "params": copy.deepcopy(nd.params), "title": nd.title, "bypass": nd.bypass,
            "ui": copy.deepcopy(graph.ui.get("nodes", {}).get(nid))}


def _restore_node(graph: Graph, rec: dict) -> None:
    # placeholders (unknown types) and known types both go through add_node;
    # params were valid when captured so no coercion error is expected.
    if rec.get("ui") is not None:
        graph.ui.setdefault("nodes", {})[rec["id"]] = copy.deepcopy(rec["ui"])
    nd = graph.add_node(rec["type"], rec["id"], None, version=rec["version"])
    nd.params.update(copy.deepcopy(rec["params"]))
    nd.title = rec["title"]
    nd.bypass = bool(rec.get("bypass", False))


class Document(QtCore.QObject):
    #: the graph object was replaced (New/Open/Revert): views rebuild
    reset = QtCore.Signal()
    #: a model event from nodes.Graph: (event name, payload dict)
    model_event = QtCore.Signal(str, object)
    #: ui-only change: ("pos", [ids]) or ("backdrops", None)
    ui_changed = QtCore.Signal(str, object)
    #: path or dirty state changed
    title_changed = QtCore.Signal()
    #: (undo index, merge token) just before a param edit is pushed (rescue.py)
    before_param_edit = QtCore.Signal(int, object)

    def __init__(self, graph: Graph | None = None, path: str | None = None):
        super().__init__()
        self.undo = QtGui.QUndoStack(self)
        # a bound method, not a lambda: Qt drops the connection with the document
        self.undo.cleanChanged.connect(self._clean_changed)
        self.graph: Graph = Graph()
        self.path: str | None = None
        self._unsub = None
        self.last_paste_skipped = 0  # what the last paste left out (bad records or links)
        self.set_graph(graph or Graph(), path)

    def _clean_changed(self, _clean: bool) -> None:
        self.title_changed.emit()

    # -- document lifecycle -------------------------------------------------------
    def set_graph(self, graph: Graph, path: str | None = None, *, dirty: bool = False) -> None:
        if self._unsub:
            self._unsub()
        self.graph = graph
        self.path = str(path) if path else None
        self._unsub = graph.subscribe(self._on_model_event)
        self.undo.clear()
        if dirty:
            # a recovered document: mark unsaved with a no-op entry
            self.undo.push(_NoopCmd("recovered unsaved changes"))
        else:
            self.undo.setClean()
        self.reset.emit()
        self.title_changed.emit()

    def _on_model_event(self, event: str, payload: dict) -> None:
        self.model_event.emit(event, payload)

    @property
    def dirty(self) -> bool:
        return not self.undo.isClean()

    @property
    def display_name(self) -> str:
        return Path(self.path).name if self.path else "untitled.graph"

    def load(self, path: str) -> int:
        """Open ``path`` in editor mode (unknown node types become placeholders).
        Returns how many broken layout entries of its ``ui`` block were repaired."""
        g, fixed = read_graph(path)
        self.set_graph(g, path)
        return fixed

    def save(self, path: str | None = None) -> str:
        path = str(path or self.path)
        if not path or path == "None":
            raise ValueError("no file name")
        fileformat.save(self.graph, path)  # atomic: temp file, fsync, rename
        self.path = path
        self.undo.setClean()
        self.title_changed.emit()
        return path

    def dumps(self) -> str:
        return fileformat.dumps(self.graph)

    # -- edits ----------------------------------------------------------------------
    def add_node(self, type_id: str, pos=(0.0, 0.0), params: dict | None = None,
                 node_id: str | None = None) -> str:
        nid = node_id or self.graph.new_id(type_id)
        rec = {"id": nid, "type": type_id, "version": None, "params": dict(params or {}),
               "title": None, "ui": {"pos": [float(pos[0]), float(pos[1])]}}
        self.undo.push(InsertCmd(self, [rec], [], f"add {type_id}"))
        return nid

    def insert(self, records: list[dict], links: list[Link], text: str = "paste") -> list[str]:
        """Add several nodes (and links among them) as one undo step (paste, duplicate)."""
        self.undo.push(InsertCmd(self, records, links, text))
        return [r["id"] for r in records]

    def remove_nodes(self, ids) -> None:
        ids = [i for i in ids if i in self.graph.nodes]
        if ids:
            self.undo.push(RemoveCmd(self, ids))

    def check_connect(self, link: Link) -> tuple[list[Link], str | None]:
        """Return (links this link replaces, error message or None)."""
        g = self.graph
        replaced = [lk for lk in g.links if lk.dst == link.dst and lk.dst_port == link.dst_port
                    and lk != link]
        probe = g.copy() if replaced else g
        for lk in replaced:
            probe.links.remove(lk)
        try:
            probe.check_link(link)
        except GraphError as exc:
            return replaced, exc.issues[0].message
        return replaced, None

    def connect(self, src: str, src_port: str, dst: str, dst_port: str,
                also_remove: list[Link] | None = None) -> str | None:
        """Link two ports (replacing what fed the input); returns an error message or None."""
        link = Link(src, src_port, dst, dst_port)
        if link in self.graph.links:
            return None
        replaced, err = self.check_connect(link)
        if err:
            return err
        remove = list(dict.fromkeys([*(also_remove or []), *replaced]))
        self.undo.push(LinkCmd(self, add=[link], remove=remove, text="connect"))
        return None

    def disconnect(self, links: list[Link]) -> None:
        links = [lk for lk in links if lk in self.graph.links]
        if links:
            self.undo.push(LinkCmd(self, add=[], remove=links, text="disconnect"))

    def set_param(self, nid: str, name: str, value: Any, merge: int | None = None) -> str | None:
        """Change a param (one undo step per ``merge`` token); returns an error or None."""
        old = self.graph.param_value(nid, name)
        nd = self.graph.nodes[nid]
        spec = nd.spec
        if spec is not None:
            try:
                p = spec.param(name)
                value = p.to_json(p.coerce(value))
            except (KeyError, ValueError) as exc:
                return str(exc)
            bounds = unit_bounds(self.graph, nid, name)  # an LFO in its target's units
            if bounds is not None and isinstance(value, (int, float)):
                value = min(max(value, bounds[0]), bounds[1])
        if value == old and merge is None:
            return None
        # the editor keeps the organism's state from before an edit (undo brings it back)
        self.before_param_edit.emit(self.undo.index(), merge)
        had = name in nd.params
        self.undo.push(ParamCmd(self, nid, name, old, value, had, merge))
        return None

    def set_title(self, nid: str, title: str | None) -> None:
        title = (title or "").strip() or None
        if self.graph.nodes[nid].title != title:
            self.undo.push(TitleCmd(self, nid, self.graph.nodes[nid].title, title))

    def move_nodes(self, new_pos: dict[str, list[float]], text: str | None = None) -> None:
        old = {nid: node_pos(self.graph, nid) for nid in new_pos}
        changed = {k: v for k, v in new_pos.items()
                   if old.get(k) is None or any(abs(a - b) > 0.01 for a, b in zip(old[k], v))}
        if changed:
            cmd = MoveCmd(self, {k: old[k] for k in changed}, changed)
            if text:
                cmd.setText(text)
            self.undo.push(cmd)

    def set_published(self, pubs: list[Published], text: str = "edit published") -> str | None:
        names = set()
        for i, p in enumerate(pubs):
            if not NAME_RE.match(p.name):
                return f"published name {p.name!r} must be lowercase letters, digits and _"
            if p.name in names:
                return f"published name {p.name!r} used twice"
            names.add(p.name)
            nd = self.graph.nodes.get(p.node)
            spec = nd.spec if nd is not None else None
            if spec is not None and p.param in {q.name for q in spec.params}:
                sp = spec.param(p.param)
                if sp.numeric:
                    lo, hi = p.bounds(sp)
                    if lo > hi:
                        return f"published {p.name!r}: min {lo:g} is above max {hi:g}"
        new = [copy.deepcopy(p) for p in pubs]
        for i, p in enumerate(new):
            p.order = i
        self.undo.push(PublishCmd(self, copy.deepcopy(self.graph.published), new, text))
        return None

    def set_backdrops(self, backdrops: list[dict], text: str = "backdrop") -> None:
        old = copy.deepcopy(self.graph.ui.get("backdrops", []))
        if old != backdrops:
            self.undo.push(BackdropCmd(self, old, copy.deepcopy(backdrops), text))

    def modulate_with_lfo(self, nid: str, param: str) -> str | None:
        """One gesture: add an LFO centred on the current value (depth 10% of the range)
        and link it to the param's port.  Returns the new LFO id, or None."""
        spec = self.graph.nodes[nid].spec
        if spec is None:
            return None
        p = spec.param(param)
        if not p.modulatable:
            return None
        value = float(self.graph.param_value(nid, param))
        depth = 0.1 * (p.max - p.min)
        lfo_spec = _lfo_spec()
        lo_c, hi_c = lfo_spec.param("center").min, lfo_spec.param("center").max
        lo_d, hi_d = lfo_spec.param("depth").min, lfo_spec.param("depth").max
        pos = node_pos(self.graph, nid) or [0.0, 0.0]
        n_existing = sum(1 for lk in self.graph.links_into(nid))
        lid = self.graph.new_id(f"lfo_{param}")
        rec = {"id": lid, "type": "signal.lfo", "version": None,
               "params": {"center": min(max(value, lo_c), hi_c),
                          "depth": min(max(depth, lo_d), hi_d), "rate": 0.1},
               "title": f"LFO → {param}",
               "ui": {"pos": [pos[0] - 260.0, pos[1] + 60.0 * n_existing]}}
        link = Link(lid, "out", nid, param)
        old = [lk for lk in self.graph.links if lk.dst == nid and lk.dst_port == param]
        self.undo.beginMacro(f"modulate {nid}.{param}")
        self.undo.push(InsertCmd(self, [rec], [], "add LFO"))
        self.undo.push(LinkCmd(self, add=[link], remove=old, text="link LFO"))
        # a published slider for the param would now do nothing: it moves to the LFO's
        # centre (what the param swings around), under the same name and label
        pubs = copy.deepcopy(self.graph.published)
        moved = False
        for pub in pubs:
            if pub.node == nid and pub.param == param:
                pub.node, pub.param, moved = lid, "center", True
                pub.min = None if pub.min is None else min(max(pub.min, lo_c), hi_c)
                pub.max = None if pub.max is None else min(max(pub.max, lo_c), hi_c)
        if moved:
            self.undo.push(PublishCmd(self, copy.deepcopy(self.graph.published), pubs,
                                      "publish the LFO's centre"))
        self.undo.endMacro()
        return lid

    def modulation_source(self, nid: str, param: str) -> Link | None:
        for lk in self.graph.links:
            if lk.dst == nid and lk.dst_port == param:
                return lk
        return None

    # -- clipboard --------------------------------------------------------------
    def copy_records(self, ids) -> dict:
        ids = [i for i in ids if i in self.graph.nodes]
        idset = set(ids)
        return {"cagraph_clip": 1, "nodes": [_node_record(self.graph, i) for i in ids],
                "links": [[lk.src, lk.src_port, lk.dst, lk.dst_port] for lk in self.graph.links
                          if lk.src in idset and lk.dst in idset]}

    def paste_records(self, clip: dict, offset=(40.0, 40.0)) -> list[str]:
        """Insert a clipboard's nodes (from :meth:`copy_records`, maybe of another
        cagraph) and the links among them, renamed to free ids, as one undo step.
        Records or links this graph cannot take are left out (``self.last_paste_skipped``
        counts them) rather than failing halfway."""
        recs, rename, skipped = [], {}, 0
        taken = set(self.graph.nodes)
        nodes_in = clip.get("nodes")
        for r in nodes_in if isinstance(nodes_in, list) else []:
            if not (isinstance(r, dict) and isinstance(r.get("id"), str)
                    and isinstance(r.get("type"), str) and isinstance(r.get("params", {}), dict)
                    and isinstance(r.get("version", 1) or 1, int)):
                skipped += 1
                continue
            base = re.sub(r"[^A-Za-z0-9_]", "_", r["id"])[:48].rstrip("0123456789") or "node"
            if not base[0].isalpha() and base[0] != "_":
                base = f"n_{base}"
            nid, i = base, 2
            while nid in taken:
                nid, i = f"{base}{i}", i + 1
            taken.add(nid)
            rename[r["id"]] = nid
            r = copy.deepcopy(r)
            r["id"] = nid
            pos = _xy((r.get("ui") or {}).get("pos") if isinstance(r.get("ui"), dict) else None)
            pos = pos or [0.0, 0.0]
            r["ui"] = {"pos": [pos[0] + offset[0], pos[1] + offset[1]]}
            recs.append(r)
        # links are checked among the pasted nodes alone (a pasted input is fed by nothing
        # else), on a scratch graph, so InsertCmd only replays links that connect
        scratch = Graph()
        for r in recs:
            scratch.add_node(r["type"], r["id"], version=r.get("version"))
        links = []
        raw_links = clip.get("links")
        for lk in raw_links if isinstance(raw_links, list) else []:
            try:
                s_, sp, d, dp = lk
                link = scratch.connect(rename[s_], sp, rename[d], dp)
            except (GraphError, KeyError, TypeError, ValueError):
                skipped += 1
                continue
            links.append(link)
        self.last_paste_skipped = skipped
        if recs:
            self.insert(recs, links, "paste")
        return [r["id"] for r in recs]


def _lfo_spec():
    from nodes import registry

    return registry.get("signal.lfo")


# -- undo commands ---------------------------------------------------------------

class _NoopCmd(QtGui.QUndoCommand):
    def redo(self):
        pass

    def undo(self):
        pass


class InsertCmd(QtGui.QUndoCommand):
    def __init__(self, doc: Document, records: list[dict], links: list[Link], text: str):
        super().__init__(text)
        self.doc, self.records, self.links = doc, copy.deepcopy(records), list(links)

    def redo(self):
        g = self.doc.graph
        for rec in self.records:
            if rec.get("ui") is not None:
                g.ui.setdefault("nodes", {})[rec["id"]] = copy.deepcopy(rec["ui"])
            nd = g.add_node(rec["type"], rec["id"], None, version=rec.get("version"))
            nd.title = rec.get("title")
            nd.bypass = bool(rec.get("bypass", False))
            # a copy keeps what the original had, including values this build rejects
            # (the Problems panel shows them), so the command cannot fail halfway
            nd.params.update(coerce_known(nd.spec, nd.id, rec.get("params", {})))
            rec["version"] = nd.version
        for lk in self.links:
            g.connect(lk.src, lk.src_port, lk.dst, lk.dst_port)
        self.doc.ui_changed.emit("title", [r["id"] for r in self.records])

    def undo(self):
        g = self.doc.graph
        for rec in reversed(self.records):
            if rec["id"] in g.nodes:
                g.remove_node(rec["id"])
            g.ui.get("nodes", {}).pop(rec["id"], None)


class RemoveCmd(QtGui.QUndoCommand):
    def __init__(self, doc: Document, ids: list[str]):
        super().__init__(f"delete {len(ids)} node(s)")
        g = doc.graph
        self.doc = doc
        self.records = [_node_record(g, i) for i in ids]
        idset = set(ids)
        self.links = [(i, lk) for i, lk in enumerate(g.links) if lk.src in idset or lk.dst in idset]
        self.published = [copy.deepcopy(p) for p in g.published if p.node in idset]
        self.ids = ids
        self.order = list(g.nodes)

    def redo(self):
        g = self.doc.graph
        for nid in self.ids:
            g.remove_node(nid)
            g.ui.get("nodes", {}).pop(nid, None)

    def undo(self):
        g = self.doc.graph
        for rec in self.records:
            _restore_node(g, rec)
        # keep the file's node and link order exactly as before the delete
        rank = {nid: i for i, nid in enumerate(self.order)}
        g.nodes = dict(sorted(g.nodes.items(), key=lambda kv: rank.get(kv[0], len(rank))))
        self.doc.ui_changed.emit("title", [r["id"] for r in self.records])
        for i, lk in self.links:
            if lk.src in g.nodes and lk.dst in g.nodes and lk not in g.links:
                g.links.insert(i, lk)
                g._emit("linked", link=lk)
        if self.published:
            g.published = sorted([*g.published, *copy.deepcopy(self.published)],
                                 key=lambda p: p.order)
            g._emit("published_changed")


class LinkCmd(QtGui.QUndoCommand):
    def __init__(self, doc: Document, add: list[Link], remove: list[Link], text: str):
        super().__init__(text)
        self.doc, self.add, self.remove = doc, list(add), list(remove)
        self.index = {lk: i for i, lk in enumerate(doc.graph.links)}

    def redo(self):
        g = self.doc.graph
        for lk in self.remove:
            g.disconnect(lk)
        for lk in self.add:
            g.connect(lk.src, lk.src_port, lk.dst, lk.dst_port)

    def undo(self):
        g = self.doc.graph
        for lk in self.add:
            g.disconnect(lk)
        for lk in sorted(self.remove, key=lambda lk: self.index.get(lk, len(g.links))):
            if lk not in g.links:
                # it was valid before: restore at its old place without re-checking
                g.links.insert(self.index.get(lk, len(g.links)), lk)
                g._emit("linked", link=lk)


class ParamCmd(QtGui.QUndoCommand):
    ID = 1001

    def __init__(self, doc, nid, name, old, new, had_old: bool, merge: int | None):
        super().__init__(f"{nid}.{name}")
        self.doc, self.nid, self.name = doc, nid, name
        self.old, self.new, self.had_old, self.merge = old, new, had_old, merge

    def id(self):  # noqa: A003 - Qt API
        return self.ID

    def mergeWith(self, other) -> bool:  # noqa: N802 - Qt API
        if (self.merge is not None and other.merge == self.merge and other.nid == self.nid
                and other.name == self.name):
            self.new = other.new
            return True
        return False

    def redo(self):
        self.doc.graph.set_param(self.nid, self.name, self.new)

    def undo(self):
        g = self.doc.graph
        if self.had_old:
            g.set_param(self.nid, self.name, self.old)
        else:  # the value was an implicit default: keep the file minimal
            nd = g.nodes[self.nid]
            nd.params.pop(self.name, None)
            g._emit("param_changed", node_id=self.nid, name=self.name,
                    value=g.param_value(self.nid, self.name), old=self.new)


class MoveCmd(QtGui.QUndoCommand):
    def __init__(self, doc, old: dict, new: dict):
        super().__init__("move")
        self.doc, self.old, self.new = doc, old, new

    def _apply(self, pos: dict):
        for nid, p in pos.items():
            if nid in self.doc.graph.nodes and p is not None:
                _set_pos(self.doc.graph, nid, p)
        self.doc.ui_changed.emit("pos", list(pos))

    def redo(self):
        self._apply(self.new)

    def undo(self):
        self._apply(self.old)


class PublishCmd(QtGui.QUndoCommand):
    def __init__(self, doc, old, new, text):
        super().__init__(text)
        self.doc, self.old, self.new = doc, old, new

    def _apply(self, pubs):
        g = self.doc.graph
        g.published = copy.deepcopy(pubs)
        g._emit("published_changed")

    def redo(self):
        self._apply(self.new)

    def undo(self):
        self._apply(self.old)


class BackdropCmd(QtGui.QUndoCommand):
    def __init__(self, doc, old, new, text):
        super().__init__(text)
        self.doc, self.old, self.new = doc, old, new

    def _apply(self, bds):
        self.doc.graph.ui["backdrops"] = copy.deepcopy(bds)
        if not bds:
            self.doc.graph.ui.pop("backdrops", None)
        self.doc.ui_changed.emit("backdrops", None)

    def redo(self):
        self._apply(self.new)

    def undo(self):
        self._apply(self.old)


class TitleCmd(QtGui.QUndoCommand):
    def __init__(self, doc, nid, old, new):
        super().__init__(f"rename {nid}")
        self.doc, self.nid, self.old, self.new = doc, nid, old, new

    def _apply(self, t):
        self.doc.graph.nodes[self.nid].title = t
        self.doc.ui_changed.emit("title", [self.nid])

    def redo(self):
        self._apply(self.new)

    def undo(self):
        self._apply(self.old)
