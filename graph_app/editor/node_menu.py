"""Right-click on a node: Rename, Bypass, Preview This Output, Delete, Help.

Bypass sets ``NodeData.bypass`` (saved in the file; the evaluator honours it) as an
undoable edit and dims the node on the canvas.  Help shows the node type's own
documentation: its description, ports and parameters.
"""

from __future__ import annotations

import html

from PySide6 import QtCore, QtGui, QtWidgets

BYPASS_OPACITY = 0.42


class BypassCmd(QtGui.QUndoCommand):
    def __init__(self, doc, nid: str, on: bool):
        super().__init__(f"{'bypass' if on else 'un-bypass'} {nid}")
        self.doc, self.nid, self.on = doc, nid, bool(on)

    def _apply(self, on: bool):
        g = self.doc.graph
        if self.nid in g.nodes:
            g.nodes[self.nid].bypass = on
            g._emit("bypass_changed", node_id=self.nid, bypass=on)
            self.doc.ui_changed.emit("title", [self.nid])

    def redo(self):
        self._apply(self.on)

    def undo(self):
        self._apply(not self.on)


def set_bypass(doc, nid: str, on: bool) -> bool:
    nd = doc.graph.nodes.get(nid)
    if nd is None or nd.bypass == bool(on):
        return False
    doc.undo.push(BypassCmd(doc, nid, on))
    return True


def help_html(cls) -> str:
    """A node type's documentation as rich text: description, ports, parameters."""
    e = html.escape
    out = [f"<h3>{e(cls.title)} <span style='color:#8a93a6'>({e(cls.type_id)}, "
           f"{e(cls.category)})</span></h3>", f"<p>{e(cls.doc or 'No description.')}</p>"]
    for head, ports in (("Inputs", cls.inputs), ("Outputs", cls.outputs)):
        if ports:
            out.append(f"<h4>{head}</h4><ul>")
            for p in ports:
                opt = ", optional" if getattr(p, "optional", False) else ""
                out.append(f"<li><b>{e(p.name)}</b> ({e(p.kind.value)}{opt})"
                           f"{': ' + e(p.doc) if p.doc else ''}</li>")
            out.append("</ul>")
    if cls.params:
        out.append("<h4>Parameters</h4><ul>")
        for p in cls.params:
            rng = ""
            if p.min is not None and p.max is not None:
                rng = f", {p.min:g} .. {p.max:g}"
            elif p.choices:
                rng = ", " + " / ".join(p.choices)
            out.append(f"<li><b>{e(p.label or p.name)}</b> <code>{e(p.name)}</code> "
                       f"({e(p.type.value)}, default {e(repr(p.default))}{e(rng)})"
                       f"{': ' + e(p.doc) if p.doc else ''}</li>")
        out.append("</ul>")
    return "".join(out)


class HelpDialog(QtWidgets.QDialog):
    def __init__(self, cls, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Help: {cls.title}")
        self.resize(560, 520)
        lay = QtWidgets.QVBoxLayout(self)
        self.text = QtWidgets.QTextBrowser()
        self.text.setHtml(help_html(cls))
        lay.addWidget(self.text)
        b = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.Close)
        b.rejected.connect(self.reject)
        lay.addWidget(b)


class NodeMenu(QtCore.QObject):
    """The context menu of nodes on the canvas, and the bypassed nodes' dimming."""

    def __init__(self, win):
        super().__init__(win)
        self.win, self.canvas, self.doc = win, win.canvas, win.doc
        self.last_menu: QtWidgets.QMenu | None = None
        self.help_dialog: HelpDialog | None = None
        self.canvas.viewer.viewport().installEventFilter(self)
        self.doc.ui_changed.connect(self._on_ui_changed)
        self.doc.reset.connect(self.refresh_all)
        self.doc.model_event.connect(self._on_model_event)
        self.refresh_all()

    # -- which node is under the mouse ---------------------------------------------------
    def node_at(self, viewport_pos: QtCore.QPoint) -> str | None:
        sp = self.canvas.viewer.mapToScene(viewport_pos)
        mid = self.canvas._mid
        for item in self.canvas.viewer.scene().items(sp):
            it = item
            while it is not None:
                nid = mid.get(getattr(it, "id", None))
                if nid is not None:
                    return nid
                it = it.parentItem()
        return None

    def eventFilter(self, obj, ev):  # noqa: N802 - Qt API
        if ev.type() == QtCore.QEvent.ContextMenu:
            nid = self.node_at(ev.pos())
            if nid is not None:
                self.popup(nid, ev.globalPos())
                return True  # NodeGraphQt's own canvas menu is for the empty canvas
        return False

    # -- the menu ------------------------------------------------------------------------
    def menu_for(self, nid: str) -> QtWidgets.QMenu:
        nd = self.doc.graph.nodes[nid]
        spec = nd.spec
        m = QtWidgets.QMenu(self.canvas.widget)
        m.setObjectName("nodeMenu")
        m.addAction("Rename…", lambda: self.rename(nid))
        a = m.addAction("Bypass", lambda: self.toggle_bypass(nid))
        a.setCheckable(True)
        a.setChecked(nd.bypass)
        a.setToolTip("Pass the node's main input through (saved in the file)")
        outs = [p.name for p in spec.outputs] if spec is not None else []
        if len(outs) <= 1:
            a = m.addAction("Preview This Output",
                            lambda: self.win.preview_port(nid, outs[0]) if outs else None)
            a.setEnabled(bool(outs))
        else:
            sub = m.addMenu("Preview This Output")
            for port in outs:
                sub.addAction(port, lambda p=port: self.win.preview_port(nid, p))
        m.addSeparator()
        m.addAction("Delete", lambda: self.doc.remove_nodes([nid]))
        m.addSeparator()
        a = m.addAction("Help", lambda: self.show_help(nid))
        a.setEnabled(spec is not None)
        return m

    def popup(self, nid: str, global_pos: QtCore.QPoint) -> QtWidgets.QMenu:
        if nid not in self.canvas.selected_ids():
            self.canvas.select([nid])
        self.last_menu = self.menu_for(nid)
        self.last_menu.popup(global_pos)
        return self.last_menu

    # -- what the entries do ---------------------------------------------------------------
    def rename(self, nid: str, title: str | None = None) -> None:
        nd = self.doc.graph.nodes.get(nid)
        if nd is None:
            return
        if title is None:
            current = nd.title or (nd.spec.title if nd.spec else nd.type)
            title, ok = QtWidgets.QInputDialog.getText(
                self.win, "Rename Node", f"Title of {nid} (empty: the type's name):",
                text=current)
            if not ok:
                return
        self.doc.set_title(nid, title)

    def toggle_bypass(self, nid: str) -> None:
        nd = self.doc.graph.nodes.get(nid)
        if nd is not None:
            set_bypass(self.doc, nid, not nd.bypass)
            self.win.status(f"{nid} {'bypassed' if nd.bypass else 'active again'}")

    def show_help(self, nid: str) -> HelpDialog | None:
        nd = self.doc.graph.nodes.get(nid)
        if nd is None or nd.spec is None:
            return None
        self.help_dialog = HelpDialog(nd.spec, self.win)
        self.help_dialog.open()
        return self.help_dialog

    # -- bypassed nodes look bypassed ----------------------------------------------------------
    def refresh(self, nid: str) -> None:
        node = self.canvas._view.get(nid)
        nd = self.doc.graph.nodes.get(nid)
        if node is None or nd is None:
            return
        node.view.setOpacity(BYPASS_OPACITY if nd.bypass else 1.0)
        tip = node.view.toolTip().split("\n[bypassed")[0]
        node.view.setToolTip(tip + ("\n[bypassed: passes its main input through]"
                                    if nd.bypass else ""))

    def refresh_all(self) -> None:
        for nid in list(self.canvas._view):
            self.refresh(nid)

    def _on_ui_changed(self, what: str, ids) -> None:
        if what == "title":
            for nid in ids or []:
                self.refresh(nid)

    def _on_model_event(self, event: str, payload: dict) -> None:
        if event == "bypass_changed":
            self.win.worker.set_graph(self.doc.graph)  # the preview runs it bypassed
        elif event in ("node_added", "linked", "unlinked"):
            # a node's view is rebuilt when its ports change: dim it again
            QtCore.QTimer.singleShot(0, self.refresh_all)


def install(win) -> NodeMenu:
    return NodeMenu(win)
