"""NodeGraphQt mirror of the model.

NodeGraphQt is a view only: the :class:`Canvas` builds view nodes from the
``nodes.Graph`` held by the :class:`Document`, follows its events, and turns
user gestures on the canvas (port drags, moves, slices, drops) into document
commands.  After every gesture the view's links are reconciled with the model,
so a refused connection, NodeGraphQt's "reconnect drops the link" bug or a
half-detached pipe can never leave the view disagreeing with the model.

Workarounds for NodeGraphQt 0.6.44 (see shared/reference/nodegraphqt-and-peers.md):
no spinbox widgets or properties at all (our own params panel); the view's own
undo stack is never used (we pass push_undo=False and clear it); node identity
is our model id kept in dicts that are cleaned on delete (NodeGraphQt ids are
memory addresses that get reused); acyclic mode is off in the view because the
model decides about cycles (feedback through delay nodes is legal).
"""

from __future__ import annotations

import warnings

from PySide6 import QtCore, QtGui, QtWidgets

warnings.filterwarnings("ignore", category=DeprecationWarning, module="NodeGraphQt")
warnings.filterwarnings("ignore", message=".*distutils.*")

from NodeGraphQt import BackdropNode, BaseNode, NodeGraph  # noqa: E402
from NodeGraphQt.qgraphics.port import PortItem  # noqa: E402

from nodes.graph import Link, port_kind  # noqa: E402
from nodes.spec import Kind  # noqa: E402

from . import theme  # noqa: E402
from .document import Document, node_pos  # noqa: E402

MIME_PREFIX = "cagraph-node:"


#: a node drawn narrower than this on screen loses its labels (NodeGraphQt's proxy mode)
MIN_NODE_SCREEN_PX = 84.0


class CgNode(BaseNode):
    """Every known node type is this one class with ports added from its spec."""

    __identifier__ = "cagraph"
    NODE_NAME = "node"


class CgPlaceholder(BaseNode):
    """A node whose type this cagraph doesn't know: kept, shown, saved back unchanged."""

    __identifier__ = "cagraph"
    NODE_NAME = "missing"


class _CanvasGraph(NodeGraph):
    """NodeGraph with its gesture handlers routed to the Canvas controller."""

    def __init__(self, canvas: "Canvas"):
        self._canvas = canvas
        super().__init__()

    def _on_connection_changed(self, disconnected, connected):
        self._canvas._view_connection_changed(disconnected, connected)

    def _on_connection_sliced(self, ports):
        self._canvas._view_connection_changed(ports, [])

    def _on_nodes_moved(self, node_data):
        self._canvas._view_nodes_moved(node_data)

    def _on_insert_node(self, pipe, node_id, prev_node_pos):
        self._canvas._view_nodes_moved(prev_node_pos)

    def _on_search_triggered(self, node_type, pos):
        pass  # we have our own Tab search

    def _on_node_name_changed(self, node_id, name):
        self._canvas._view_renamed(node_id, name)

    def _on_node_data_dropped(self, mimedata, pos):
        text = mimedata.text() if mimedata.hasText() else ""
        if text.startswith(MIME_PREFIX):
            self._canvas.add_node(text[len(MIME_PREFIX):], (pos.x(), pos.y()))

    def _on_node_backdrop_updated(self, node_id, update_property, value):
        super()._on_node_backdrop_updated(node_id, update_property, value)
        if update_property == "sizer_mouse_release":
            QtCore.QTimer.singleShot(0, self._canvas.commit_backdrops)


class Canvas(QtCore.QObject):
    message = QtCore.Signal(str)  # status-bar text
    selection_changed = QtCore.Signal(list)  # model ids
    port_clicked = QtCore.Signal(str, str)  # (node id, output port): preview it

    def __init__(self, doc: Document, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.ng = _CanvasGraph(self)
        self.ng.register_nodes([CgNode, CgPlaceholder])
        self.ng.set_acyclic(False)
        self.ng.set_pipe_slicing(True)
        self.ng.set_background_color(20, 22, 27)
        self.ng.set_grid_color(32, 35, 43)
        self.widget = self.ng.widget
        self.viewer = self.ng.viewer()
        # NodeGraphQt's own undo/redo act on its view-level stack (kept empty: the model's
        # stack is the one that undoes); their Ctrl+Z would make the editor's ambiguous
        for act in (self.viewer.qaction_for_undo(), self.viewer.qaction_for_redo()):
            if act is not None:
                act.setShortcuts([])
                act.setVisible(False)
        self.show_param_ports = False
        self._view: dict[str, BaseNode] = {}  # model id -> view node
        self._mid: dict[str, str] = {}  # view id -> model id
        self._backdrops: dict[str, BackdropNode] = {}  # backdrop id -> view
        self._sync = 0  # >0 while we change the view ourselves
        self._press = None
        self.ng.node_selection_changed.connect(lambda *_: self._emit_selection())
        self.ng.node_selected.connect(lambda *_: self._emit_selection())
        self.viewer.viewport().installEventFilter(self)
        doc.reset.connect(self.rebuild)
        doc.model_event.connect(self._on_model_event)
        doc.ui_changed.connect(self._on_ui_changed)
        self.rebuild()

    # -- building the view --------------------------------------------------------
    def rebuild(self) -> None:
        self._sync += 1
        try:
            for n in list(self.ng.all_nodes()):
                self.ng.delete_node(n, push_undo=False)
            self._view.clear()
            self._mid.clear()
            self._backdrops.clear()
            g = self.doc.graph
            for i, nid in enumerate(g.nodes):
                self._create_view(nid, default_pos=(i * 240.0, 0.0))
            self._build_backdrops()
            self.sync_links()
            if g.nodes and all(node_pos(g, nid) is None for nid in g.nodes):
                # a file without a layout (hand-written, CLI-made): lay it out once
                for nid, pos in self.layout_positions().items():
                    g.ui.setdefault("nodes", {})[nid] = {"pos": pos}
                    self._view[nid].set_pos(*pos)
        finally:
            self._sync -= 1
            self.ng.undo_stack().clear()
        self._emit_selection()

    def input_ports_for(self, nid: str) -> list[tuple[str, Kind | None]]:
        g = self.doc.graph
        nd = g.nodes[nid]
        spec = nd.spec
        if spec is None:
            names = list(dict.fromkeys(lk.dst_port for lk in g.links if lk.dst == nid))
            return [(n, None) for n in names]
        ports = [(p.name, p.kind) for p in spec.inputs]
        linked = list(dict.fromkeys(lk.dst_port for lk in g.links if lk.dst == nid))
        for p in spec.params:
            if p.modulatable and (self.show_param_ports or p.name in linked):
                ports.append((p.name, Kind.SCALAR))
        # a link into a port this type lacks (hand edit, renamed port) gets its port shown,
        # so the user sees the link the Problems panel names and can drag it off
        known = {name for name, _ in ports}
        ports += [(name, None) for name in linked if name not in known]
        return ports

    def output_ports_for(self, nid: str) -> list[tuple[str, Kind | None]]:
        g = self.doc.graph
        nd = g.nodes[nid]
        spec = nd.spec
        linked = list(dict.fromkeys(lk.src_port for lk in g.links if lk.src == nid))
        if spec is None:
            return [(n, None) for n in linked]
        ports = [(p.name, p.kind) for p in spec.outputs]
        known = {name for name, _ in ports}
        return ports + [(name, None) for name in linked if name not in known]

    def _title(self, nid: str) -> str:
        nd = self.doc.graph.nodes[nid]
        spec = nd.spec
        if spec is None:
            return f"⚠ {nd.title or nd.type}"
        if nd.title:
            return nd.title
        same = sum(1 for o in self.doc.graph.nodes.values() if o.type == nd.type and not o.title)
        return f"{spec.title} · {nid}" if same > 1 else spec.title

    def _create_view(self, nid: str, default_pos=(0.0, 0.0)) -> BaseNode:
        nd = self.doc.graph.nodes[nid]
        spec = nd.spec
        node = CgNode() if spec is not None else CgPlaceholder()
        for name, kind in self.input_ports_for(nid):
            col = theme.KIND_COLORS.get(kind, (150, 150, 150)) if kind else (150, 90, 90)
            node.add_input(name, multi_input=False, color=col)
        for name, kind in self.output_ports_for(nid):
            col = theme.KIND_COLORS.get(kind, (150, 150, 150)) if kind else (150, 90, 90)
            node.add_output(name, multi_output=True, color=col)
        if spec is not None:
            node.set_color(*theme.category_color(spec.category))
            node.view.setToolTip(f"{spec.title}  ({spec.type_id})\n{spec.doc}".strip())
        else:
            node.set_color(*theme.PLACEHOLDER_COLOR)
            node.view.border_color = (255, 92, 108, 255)
            node.view.setToolTip(f"Unknown node type '{nd.type}'.\nIts parameters and links are "
                                 "kept and saved back unchanged.")
        pos = node_pos(self.doc.graph, nid) or list(default_pos)
        self._sync += 1
        try:
            self.ng.add_node(node, pos=pos, selected=False, push_undo=False)
            node.set_name(self._title(nid))
            node.set_pos(*pos)
        finally:
            self._sync -= 1
        self._view[nid] = node
        self._mid[node.id] = nid
        return node

    def _delete_view(self, nid: str) -> None:
        node = self._view.pop(nid, None)
        if node is None:
            return
        self._mid.pop(node.id, None)
        self._sync += 1
        try:
            self.ng.delete_node(node, push_undo=False)
        finally:
            self._sync -= 1

    def _ensure_ports(self, nid: str) -> bool:
        """Rebuild a node's view when its port list changed (param ports, placeholders)."""
        node = self._view.get(nid)
        if node is None or nid not in self.doc.graph.nodes:
            return False
        want_in = [n for n, _ in self.input_ports_for(nid)]
        want_out = [n for n, _ in self.output_ports_for(nid)]
        if [p.name() for p in node.input_ports()] == want_in and \
                [p.name() for p in node.output_ports()] == want_out:
            return False
        selected = node.selected()
        self._delete_view(nid)
        self._create_view(nid).set_selected(selected)
        return True

    def set_show_param_ports(self, on: bool) -> None:
        self.show_param_ports = bool(on)
        for nid in list(self._view):
            self._ensure_ports(nid)
        self.sync_links()

    # -- links: reconcile view with model --------------------------------------------
    def _apply_link(self, lk: Link, connect: bool) -> None:
        """Add or remove the one pipe of model link ``lk`` (both views exist as they are)."""
        src, dst = self._view.get(lk.src), self._view.get(lk.dst)
        if src is None or dst is None:
            return
        op, ip = src.get_output(lk.src_port), dst.get_input(lk.dst_port)
        if op is None or ip is None:
            return
        self._sync += 1
        try:
            there = any(p.name() == lk.src_port and self._mid.get(p.node().id) == lk.src
                        for p in ip.connected_ports())
            if connect and not there:
                op.connect_to(ip, push_undo=False, emit_signal=False)
            elif not connect and there:
                ip.disconnect_from(op, push_undo=False, emit_signal=False)
        finally:
            self._sync -= 1
            self.ng.undo_stack().clear()

    def sync_links(self) -> None:
        g = self.doc.graph
        self._sync += 1
        try:
            for lk in g.links:
                for nid in (lk.src, lk.dst):
                    self._ensure_ports(nid)
            want = {lk for lk in g.links if lk.src in self._view and lk.dst in self._view}
            have: dict[Link, tuple] = {}
            for nid, node in self._view.items():
                for ip in node.input_ports():
                    for op in ip.connected_ports():
                        src = self._mid.get(op.node().id)
                        if src is not None:
                            have[Link(src, op.name(), nid, ip.name())] = (op, ip)
            for lk, (op, ip) in have.items():
                if lk not in want:
                    ip.disconnect_from(op, push_undo=False, emit_signal=False)
            for lk in want:
                if lk in have:
                    op, ip = have[lk]
                    if not any(p.output_port is op.view for p in ip.view.connected_pipes):
                        self.viewer.establish_connection(ip.view, op.view)
                    continue
                op = self._view[lk.src].get_output(lk.src_port)
                ip = self._view[lk.dst].get_input(lk.dst_port)
                if op is not None and ip is not None:
                    op.connect_to(ip, push_undo=False, emit_signal=False)
        finally:
            self._sync -= 1
            self.ng.undo_stack().clear()

    # -- backdrops (view of graph.ui["backdrops"]) ------------------------------------
    def _build_backdrops(self) -> None:
        for bd in list(self._backdrops.values()):
            self.ng.delete_node(bd, push_undo=False)
        self._backdrops.clear()
        for rec in self.doc.graph.ui.get("backdrops", []):
            bd = BackdropNode()
            self.ng.add_node(bd, pos=rec.get("pos", [0, 0]), selected=False, push_undo=False)
            bd.set_name(rec.get("title", "Group"))
            bd.set_text(rec.get("text", ""))
            w, h = rec.get("size", [400, 300])
            bd.set_size(w, h)
            bd.set_pos(*rec.get("pos", [0, 0]))
            bd.set_color(*rec.get("color", [40, 50, 64]))
            self._backdrops[rec["id"]] = bd
        self.ng.undo_stack().clear()

    def _backdrop_records(self) -> list[dict]:
        out = []
        for bid, bd in self._backdrops.items():
            w, h = bd.size()
            out.append({"id": bid, "title": bd.name(), "text": bd.text(),
                        "pos": [round(bd.pos()[0], 2), round(bd.pos()[1], 2)],
                        "size": [round(w, 2), round(h, 2)], "color": list(bd.color()[:3])})
        return out

    def commit_backdrops(self) -> None:
        self.doc.set_backdrops(self._backdrop_records(), "edit backdrop")

    def add_backdrop(self, title: str = "Group") -> str:
        """Wrap the selected nodes (or an empty area) in a new backdrop."""
        recs = list(self.doc.graph.ui.get("backdrops", []))
        i = 1
        ids = {r["id"] for r in recs}
        while f"backdrop{i}" in ids:
            i += 1
        bid = f"backdrop{i}"
        sel = [self._view[n] for n in self.selected_ids()]
        if sel:
            xs = [n.pos()[0] for n in sel]
            ys = [n.pos()[1] for n in sel]
            x2 = [n.pos()[0] + n.view.width for n in sel]
            y2 = [n.pos()[1] + n.view.height for n in sel]
            pos = [min(xs) - 30, min(ys) - 60]
            size = [max(x2) - min(xs) + 60, max(y2) - min(ys) + 90]
        else:
            c = self.viewer.mapToScene(self.viewer.viewport().rect().center())
            pos, size = [c.x() - 200, c.y() - 150], [400, 300]
        recs.append({"id": bid, "title": title, "text": "", "pos": pos, "size": size,
                     "color": [40, 52, 70]})
        self.doc.set_backdrops(recs, "add backdrop")
        return bid

    # -- model -> view ------------------------------------------------------------------
    def _on_model_event(self, event: str, payload: dict) -> None:
        if event == "node_added":
            nid = payload["node"].id
            if nid not in self._view:
                self._create_view(nid)
        elif event == "node_removed":
            self._delete_view(payload["node_id"])
        elif event in ("linked", "unlinked"):
            lk = payload["link"]
            for nid in (lk.src, lk.dst):
                if self._ensure_ports(nid):  # rebuilt for its new ports: its pipes are gone
                    for other in self.doc.graph.links:
                        if nid in (other.src, other.dst):
                            self._apply_link(other, True)
            # one pipe at a time, so a big paste or delete stays linear in its links
            self._apply_link(lk, event == "linked")

    def _on_ui_changed(self, what: str, ids) -> None:
        if what == "pos":
            self._sync += 1
            try:
                for nid in ids:
                    node, p = self._view.get(nid), node_pos(self.doc.graph, nid)
                    if node is not None and p is not None and list(node.pos()) != p:
                        node.set_pos(*p)
            finally:
                self._sync -= 1
                self.ng.undo_stack().clear()
        elif what == "title":
            for nid in ids:
                node = self._view.get(nid)
                if node is not None and node.name() != self._title(nid):
                    node.set_name(self._title(nid))
            self.ng.undo_stack().clear()
        elif what == "backdrops":
            self._build_backdrops()

    # -- view gestures -> document ------------------------------------------------------
    def _pair_to_link(self, a: PortItem, b: PortItem) -> Link | None:
        out, inp = (a, b) if a.port_type == "out" else (b, a)
        if out.port_type != "out" or inp.port_type != "in":
            return None
        src, dst = self._mid.get(out.node.id), self._mid.get(inp.node.id)
        if src is None or dst is None:
            return None
        return Link(src, out.name, dst, inp.name)

    def _view_connection_changed(self, disconnected, connected) -> None:
        if self._sync:
            return
        gone = [lk for lk in (self._pair_to_link(a, b) for a, b in disconnected) if lk]
        new = [lk for lk in (self._pair_to_link(a, b) for a, b in connected) if lk]
        if new:
            for lk in new:
                err = self.doc.connect(lk.src, lk.src_port, lk.dst, lk.dst_port,
                                       also_remove=gone)
                if err:
                    self.message.emit(f"Connection refused: {err}")
                else:
                    self.message.emit(f"Connected {lk.src}.{lk.src_port} → "
                                      f"{lk.dst}.{lk.dst_port}")
        elif gone:
            self.doc.disconnect(gone)
            self.message.emit("Disconnected " + ", ".join(
                f"{lk.src}.{lk.src_port} → {lk.dst}.{lk.dst_port}" for lk in gone))
        # whatever happened, the view shows the model
        QtCore.QTimer.singleShot(0, self.sync_links)
        self.sync_links()

    def _view_nodes_moved(self, node_data) -> None:
        if self._sync:
            return
        new = {}
        moved_backdrop = False
        for item in list(node_data):
            nid = self._mid.get(item.id)
            if nid is not None:
                new[nid] = [round(item.xy_pos[0], 2), round(item.xy_pos[1], 2)]
            elif any(bd.id == item.id for bd in self._backdrops.values()):
                moved_backdrop = True
                for child in self._backdrops_by_view(item.id).nodes():
                    cid = self._mid.get(child.id)
                    if cid is not None:
                        new[cid] = [round(child.pos()[0], 2), round(child.pos()[1], 2)]
        if moved_backdrop:
            self.doc.undo.beginMacro("move")
        self.doc.move_nodes(new)
        if moved_backdrop:
            self.commit_backdrops()
            self.doc.undo.endMacro()
        self.ng.undo_stack().clear()

    def _sync_title(self, nid: str) -> None:
        node = self._view.get(nid)
        if node is None or nid not in self.doc.graph.nodes:
            return
        title = self._title(nid)
        if node.name() != title:
            node.set_name(title)
            self.ng.undo_stack().clear()
        node.view.name = title  # the label too (a blank edit leaves the name unchanged)

    def _backdrops_by_view(self, vid: str) -> BackdropNode:
        return next(bd for bd in self._backdrops.values() if bd.id == vid)

    def _view_renamed(self, view_id: str, name: str) -> None:
        nid = self._mid.get(view_id)
        if nid is not None:
            want = (name or "").strip()
            if want:  # names on the canvas are unique (NodeGraphQt's rule): say which here
                taken = {self._title(o) for o in self.doc.graph.nodes if o != nid}
                base, k = want, 2
                while want in taken:
                    want, k = f"{base} {k}", k + 1
            self.doc.set_title(nid, want or None)
            # the view shows the model's title: NodeGraphQt makes names unique ("Colorize 1")
            # and an empty or blank edit means "the type's title"
            QtCore.QTimer.singleShot(0, lambda: self._sync_title(nid))
        else:
            for bd in self._backdrops.values():
                if bd.id == view_id:
                    bd.set_name(name)
                    self.commit_backdrops()

    # -- selection, framing, layout ------------------------------------------------------
    def _emit_selection(self) -> None:
        self.selection_changed.emit(self.selected_ids())

    def selected_ids(self) -> list[str]:
        return [self._mid[n.id] for n in self.ng.selected_nodes() if n.id in self._mid]

    def select(self, ids, center: bool = False) -> None:
        self.ng.clear_selection()
        nodes = [self._view[i] for i in ids if i in self._view]
        for n in nodes:
            n.set_selected(True)
        self.ng.undo_stack().clear()  # selecting is not an edit
        if center and nodes:
            self.ng.center_on(nodes)
        self._emit_selection()

    def select_all(self) -> None:
        self.ng.select_all()
        self._emit_selection()

    def frame_selected(self) -> None:
        sel = [self._view[i] for i in self.selected_ids()]
        self.frame_nodes(sel or list(self._view.values()))

    def frame_all(self) -> None:
        self.frame_nodes(list(self._view.values()))

    def frame_nodes(self, nodes) -> None:
        from . import canvas_tools

        canvas_tools.frame_nodes(self, nodes)

    def auto_layout(self) -> None:
        """Lay the graph out by rank, left to right; one undo step."""
        self.doc.move_nodes(self.layout_positions(), "auto layout")  # nothing if in place
        self.frame_all()

    def layout_positions(self) -> dict[str, list[float]]:
        from . import canvas_tools

        return canvas_tools.layout_positions(self)

    def scene_pos_of_cursor(self) -> tuple[float, float]:
        p = self.viewer.mapToScene(self.viewer.mapFromGlobal(QtGui.QCursor.pos()))
        return p.x(), p.y()

    def view_center(self) -> tuple[float, float]:
        c = self.viewer.mapToScene(self.viewer.viewport().rect().center())
        return c.x(), c.y()

    def add_node(self, type_id: str, pos=None) -> str:
        pos = pos or self.view_center()
        nid = self.doc.add_node(type_id, pos)
        self.select([nid])
        return nid

    def view_node(self, nid: str) -> BaseNode | None:
        return self._view.get(nid)

    def port_scene_pos(self, nid: str, port: str, output: bool) -> QtCore.QPointF:
        node = self._view[nid]
        p = node.get_output(port) if output else node.get_input(port)
        return p.view.sceneBoundingRect().center()

    # -- clicking an output port previews it -------------------------------------------------
    def eventFilter(self, obj, ev):  # noqa: N802 - Qt API
        t = ev.type()
        if t == QtCore.QEvent.MouseButtonPress and ev.button() == QtCore.Qt.LeftButton:
            sp = self.viewer.mapToScene(ev.position().toPoint())
            port = next((i for i in self.viewer.scene().items(sp) if isinstance(i, PortItem)), None)
            self._press = (ev.position(), port) if port is not None else None
        elif t == QtCore.QEvent.MouseButtonRelease and self._press is not None:
            pos0, port = self._press
            self._press = None
            d = ev.position() - pos0
            if abs(d.x()) + abs(d.y()) < 4 and port.port_type == "out":
                nid = self._mid.get(port.node.id)
                if nid is not None:
                    QtCore.QTimer.singleShot(0, lambda: self.port_clicked.emit(nid, port.name))
        return False
