"""The editor window: canvas in the middle, preview and parameters on the right."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from nodes.errors import GraphError
from nodes.graph import Graph

from . import (canvas_tools, capture, gc_guard, live, preview_sizes, recovery, theme,
               variations_dialog, window_layout)
from .adapter import Canvas
from .document import Document
from .panels import PaletteTree, PublishedPanel, TabSearch, ValidationPanel
from .params_panel import ParamsPanel
from .preview import PreviewPanel, PreviewWorker
from .rescue import OrganismRescue
from .scope_link import ScopeLink

DEFAULT_GRAPH = Path(__file__).resolve().parents[2] / "graphs" / "amoeba.graph"
RECOVERY_INTERVAL_MS = 20_000
MAX_RECENT = 10


class MainWindow(QtWidgets.QMainWindow):
    def __init__(self, path: str | None = None, *, preview_size: int = 512,
                 start_preview: bool = True, settings: QtCore.QSettings | None = None,
                 ask=None):
        super().__init__()
        # the preview thread hands the GIL back and forth around every NumPy call; a
        # short switch interval keeps it from waiting 5 ms behind UI work each time
        sys.setswitchinterval(0.0005)
        self.settings = settings or QtCore.QSettings("cagraph", "editor")
        #: ask(kind, text) -> answer; replaced in tests. kinds: "save_changes"
        #: ("save"/"discard"/"cancel"), "restore" and "revert" (True/False)
        self.ask = ask or self._ask_dialog
        self.doc = Document()
        self._gc_hold = gc_guard.hold()  # the cycle collector runs on this thread only
        self.setWindowTitle("cagraph")
        self.resize(1600, 960)

        # canvas
        self.canvas = Canvas(self.doc, self)
        self.setCentralWidget(self.canvas.widget)
        self.canvas.message.connect(self.status)

        # preview
        self.worker = PreviewWorker(size=preview_size, parent=self)
        self.preview = PreviewPanel(self.worker)
        self.preview.snapshot_requested.connect(self.snapshot)
        self.preview.record_requested.connect(self.record)
        self.worker.recording_done.connect(self._recording_done)
        self.worker.frame_ready.connect(self._on_frame, QtCore.Qt.QueuedConnection)
        self.canvas.port_clicked.connect(self.preview_port)

        # panels
        self.params = ParamsPanel(self.doc)
        self.params.message.connect(self.status)
        self.params.select_node.connect(lambda n: self.canvas.select([n], center=True))
        self.palette = PaletteTree()
        self.palette.add_requested.connect(lambda t: self.canvas.add_node(t))
        self.published = PublishedPanel(self.doc)
        self.published.message.connect(self.status)
        self.published.select_node.connect(lambda n: self.canvas.select([n], center=True))
        self.validation = ValidationPanel(self.doc)
        self.validation.select_node.connect(lambda n: self.canvas.select([n], center=True))
        self.validation.counts_changed.connect(self._problems_count)
        self.search = TabSearch(self)
        self.search.chosen.connect(self._search_chosen)
        self.canvas.selection_changed.connect(self._selection_changed)

        # live link to a Scope session (published parameters follow the edits)
        self.scope = ScopeLink(self.doc, self)
        self.scope.status.connect(lambda text, err: self.status(text, 0 if err else 6000))

        self._docks()
        self._actions()
        live.install(self)  # tempo bar, MIDI/OSC controllers, Controls dock
        preview_sizes.install(self)  # the size menu follows the graph's size/grid
        from . import node_menu

        self.node_menu = node_menu.install(self)  # right-click on a node
        window_layout.install(self)
        self._layout_restored = window_layout.restore(self)
        self.scope_label = QtWidgets.QLabel("")
        self.statusBar().addPermanentWidget(self.scope_label)
        self.scope.linked.connect(self._scope_linked)
        self.status_label = QtWidgets.QLabel("")
        self.statusBar().addPermanentWidget(self.status_label)

        # model -> preview
        self._structural = QtCore.QTimer(self)
        self._structural.setSingleShot(True)
        self._structural.setInterval(0)
        self._structural.timeout.connect(lambda: self.worker.set_graph(self.doc.graph))
        self.doc.model_event.connect(self._to_preview)
        self.doc.reset.connect(lambda: self.worker.set_graph(self.doc.graph))
        self.doc.reset.connect(self._after_reset)
        self.doc.title_changed.connect(self._update_title)
        self.rescue = OrganismRescue(self.doc, self.worker, self)  # undo revives

        # recovery copy of unsaved work
        self._recovery_timer = QtCore.QTimer(self)
        self._recovery_timer.setInterval(RECOVERY_INTERVAL_MS)
        self._recovery_timer.timeout.connect(self.write_recovery)
        self._recovery_timer.start()

        self.open_initial(path)
        if start_preview:
            self.worker.start(self.doc.graph)
        self._update_title()

    # -- layout ----------------------------------------------------------------------
    def _dock(self, title, widget, area, name):
        d = QtWidgets.QDockWidget(title, self)
        d.setObjectName(name)
        d.setWidget(widget)
        # closable: without it the View menu's toggle (toggleViewAction) does nothing
        d.setFeatures(QtWidgets.QDockWidget.DockWidgetMovable |
                      QtWidgets.QDockWidget.DockWidgetFloatable |
                      QtWidgets.QDockWidget.DockWidgetClosable)
        self.addDockWidget(area, d)
        return d

    def _docks(self):
        R, L, B = (QtCore.Qt.RightDockWidgetArea, QtCore.Qt.LeftDockWidgetArea,
                   QtCore.Qt.BottomDockWidgetArea)
        self.dock_palette = self._dock("Nodes", self.palette, L, "nodes")
        self.dock_preview = self._dock("Preview", self.preview, R, "preview")
        self.dock_params = self._dock("Parameters", self.params, R, "params")
        self.dock_problems = self._dock("Problems", self.validation, B, "problems")
        self.dock_published = self._dock("Published for Scope", self.published, B, "published")
        self.setCorner(QtCore.Qt.BottomRightCorner, QtCore.Qt.RightDockWidgetArea)
        self.setCorner(QtCore.Qt.BottomLeftCorner, QtCore.Qt.LeftDockWidgetArea)
        self.splitDockWidget(self.dock_problems, self.dock_published, QtCore.Qt.Horizontal)
        self.resizeDocks([self.dock_palette], [190], QtCore.Qt.Horizontal)
        self.resizeDocks([self.dock_preview], [460], QtCore.Qt.Horizontal)
        self.resizeDocks([self.dock_preview, self.dock_params], [500, 420], QtCore.Qt.Vertical)
        self.resizeDocks([self.dock_problems], [210], QtCore.Qt.Vertical)  # ~4 published rows

    def _act(self, menu, text, slot, shortcut=None, tip="", checkable=False,
             context=QtCore.Qt.WindowShortcut):
        a = QtGui.QAction(text, self)
        if shortcut:
            a.setShortcut(QtGui.QKeySequence(shortcut))
            a.setShortcutContext(context)
        a.setStatusTip(tip)
        a.setCheckable(checkable)
        # triggered(bool) hands `checked` to any slot that takes an argument: a slot such as
        # scope_launch_dialog(server=None) would get server=False.  Only a checkable action's
        # slot receives the state
        a.triggered.connect(slot if checkable else (lambda _checked=False, s=slot: s()))
        menu.addAction(a)
        if context == QtCore.Qt.WindowShortcut:
            # window-wide; a canvas-only action (WidgetWithChildrenShortcut) is added to the
            # canvas by the caller: added here too, its keys (Delete, Space, Ctrl+D, Tab)
            # would act on the graph while typing in the side panels
            self.addAction(a)
        return a

    def _actions(self):
        mb = self.menuBar()
        f = mb.addMenu("&File")
        K = QtGui.QKeySequence
        self._act(f, "New", self.file_new, K.New)
        self._act(f, "Open…", self.file_open, K.Open)
        self.recent_menu = f.addMenu("Open Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._act(f, "Save", self.file_save, K.Save)
        self._act(f, "Save As…", self.file_save_as, K.SaveAs)
        self._act(f, "Revert", self.file_revert)
        f.addSeparator()
        from . import export_dialog, graph_settings

        graph_settings.install(self, f)
        export_dialog.install(self, f)
        f.addSeparator()
        self._act(f, "Snapshot Preview to PNG…", self.snapshot, "Ctrl+Shift+P")
        self._act(f, "Record Preview to MP4…", lambda: self.record(self.preview.rec_secs.value()))
        f.addSeparator()
        self._act(f, "Quit", self.close, K.Quit)

        e = mb.addMenu("&Edit")
        self.undo_action = self.doc.undo.createUndoAction(self, "Undo")
        self.undo_action.setShortcut(K.Undo)
        self.redo_action = self.doc.undo.createRedoAction(self, "Redo")
        self.redo_action.setShortcut(K("Ctrl+Shift+Z"))
        e.addAction(self.undo_action)
        e.addAction(self.redo_action)
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)
        e.addSeparator()
        canvas_ctx = QtCore.Qt.WidgetWithChildrenShortcut
        cw = self.canvas.widget
        for text, slot, sc in (("Copy", self.copy, K.Copy), ("Paste", self.paste, K.Paste),
                               ("Duplicate", self.duplicate, "Ctrl+D"),
                               ("Delete", self.delete_selected, K.Delete),
                               ("Select All", self.canvas.select_all, K.SelectAll)):
            a = self._act(e, text, slot, sc, context=canvas_ctx)
            cw.addAction(a)
        a = self._act(e, "Delete", self.delete_selected, "Backspace", context=canvas_ctx)
        e.removeAction(a)
        cw.addAction(a)
        e.addSeparator()
        a = self._act(e, "Add Node…", self.show_search, "Tab", context=canvas_ctx)
        cw.addAction(a)
        self._act(e, "Group in Backdrop", lambda: self.canvas.add_backdrop(), "Ctrl+G")
        e.addSeparator()
        self._act(e, "Variations…", lambda: variations_dialog.open_for(self), "Ctrl+Shift+V",
                  tip="A grid of variants of the published parameters; click one to adopt it")

        v = mb.addMenu("&View")
        for text, slot, sc in (("Frame Selected", self.canvas.frame_selected, "F"),
                               ("Frame All", self.canvas.frame_all, "Home"),
                               ("Auto Layout", self.canvas.auto_layout, "Ctrl+L")):
            cw.addAction(self._act(v, text, slot, sc, context=canvas_ctx))
        self.param_ports_action = self._act(v, "Show Parameter Ports", self.canvas.set_show_param_ports,
                                            "Ctrl+P", checkable=True)
        v.addSeparator()
        for d in (self.dock_palette, self.dock_preview, self.dock_params, self.dock_problems,
                  self.dock_published):
            v.addAction(d.toggleViewAction())
        self._act(v, "Reset Layout", lambda: window_layout.reset(self))

        p = mb.addMenu("&Preview")
        self._act(p, "Play / Pause", self.preview.toggle_play, "Space", context=canvas_ctx)
        cw.addAction(p.actions()[-1])
        cw.addAction(self._act(p, "Single Step", self.preview.single_step, ".", context=canvas_ctx))
        self._act(p, "Reseed", self.preview.reseed, "Ctrl+R")
        self._act(p, "Restart", self.preview.restart, "Ctrl+Shift+R")
        self._act(p, "Show Output", lambda: self.preview.set_probe(None), "O",
                  context=canvas_ctx)
        cw.addAction(p.actions()[-1])

        sc = mb.addMenu("&Scope")
        self._act(sc, "Launch on Scope…", self.scope_launch_dialog,
                  tip="Export this graph, install it on a Scope server, chain it into Krea "
                      "Realtime with LoRAs, start the session and link to it")
        self._act(sc, "Link to Scope Session…", self.scope_link_dialog,
                  tip="Send published-parameter edits to a session started with "
                      "`cagraph scope launch`")
        self.scope_unlink_action = self._act(sc, "Unlink", lambda: self.scope.disconnect())
        self.scope_unlink_action.setEnabled(False)

        tb = self.addToolBar("Main")
        tb.setObjectName("maintb")
        tb.setMovable(False)
        tb.setToolButtonStyle(QtCore.Qt.ToolButtonTextOnly)
        logo = QtWidgets.QLabel("  cagraph  ")
        logo.setStyleSheet(f"color: {theme.ACCENT}; font-weight: 700; font-size: 14px;")
        tb.addWidget(logo)
        for text, slot in (("New", self.file_new), ("Open", self.file_open), ("Save", self.file_save)):
            tb.addAction(text, slot)
        tb.addSeparator()
        tb.addAction(self.undo_action)
        tb.addAction(self.redo_action)
        tb.addSeparator()
        tb.addAction("+ Node", self.show_search)
        tb.addAction("Backdrop", lambda: self.canvas.add_backdrop())
        tb.addAction("Auto Layout", self.canvas.auto_layout)
        tb.addAction("Frame", self.canvas.frame_selected)
        tb.addAction(self.param_ports_action)

    # -- Scope live link --------------------------------------------------------------------
    def scope_link_dialog(self, server: str | None = None) -> None:
        if server is None:
            last = self.settings.value("scope/server", "http://127.0.0.1:8000")
            server, ok = QtWidgets.QInputDialog.getText(
                self, "Link to Scope", "Scope server (a session started with "
                "`cagraph scope launch`):", text=str(last))
            if not ok or not server.strip():
                return
        self.settings.setValue("scope/server", server.strip())
        self.scope.connect_to(server.strip())

    def scope_launch_dialog(self, server: str | None = None, loras: list[str] | None = None,
                            merge_mode: str = "permanent_merge") -> None:
        if server is None:
            from .scope_link import LaunchDialog

            dlg = LaunchDialog(str(self.settings.value("scope/server", "http://127.0.0.1:8000")),
                               str(self.settings.value("scope/loras", "")), self)
            if dlg.exec() != QtWidgets.QDialog.Accepted or not dlg.server.text().strip():
                return
            server, loras = dlg.server.text().strip(), dlg.lora_specs()
            merge_mode = dlg.merge_mode()
            self.settings.setValue("scope/loras", "\n".join(loras))
        self.settings.setValue("scope/server", server)
        self.scope.launch(server, loras, merge_mode=merge_mode)

    def _scope_linked(self, pid: str) -> None:
        self.scope_unlink_action.setEnabled(bool(pid))
        self.scope_label.setText(
            f"<span style='color:{theme.ACCENT}'>⇄ Scope: {pid}</span>" if pid else "")

    # -- status ---------------------------------------------------------------------------
    def status(self, text: str, ms: int = 6000) -> None:
        self.statusBar().showMessage(text, ms)

    def _problems_count(self, n_err: int, n_warn: int) -> None:
        self.dock_problems.setWindowTitle(f"Problems ({n_err} errors, {n_warn} warnings)"
                                          if n_err or n_warn else "Problems")
        self.status_label.setText(
            f"<span style='color:{theme.ERROR if n_err else theme.OK}'>"
            f"{'● ' + str(n_err) + ' errors' if n_err else ('● runs' if self.doc.graph.nodes else '● empty')}"
            "</span>")

    def _update_title(self) -> None:
        # one marker: the bullet (Qt's "[*]" placeholder would add a second, "*")
        star = "•" if self.doc.dirty else ""
        self.setWindowTitle(f"{star}{self.doc.display_name} — cagraph")

    # -- model -> preview ---------------------------------------------------------------------
    def _to_preview(self, event: str, payload: dict) -> None:
        if event == "param_changed":
            g = self.doc.graph
            nid, name = payload["node_id"], payload["name"]
            self.worker.set_param(nid, name, g.nodes[nid].params.get(name, payload["value"]))
        elif event in ("node_added", "node_removed", "linked", "unlinked"):
            probe = self.preview.probe
            if event == "node_removed" and probe and probe[0] == payload["node_id"]:
                self.preview.set_probe(None)  # its node is gone: show the output again
            self._structural.start()  # one graph copy per burst of edits

    def _on_frame(self) -> None:
        info = self.preview.last_info
        if info:
            self.params.update_live(info.get("scalars", {}))

    def preview_port(self, nid: str, port: str) -> None:
        self.preview.set_probe((nid, port))
        self.status(f"Previewing {nid}.{port} (O shows the output again)")

    def _selection_changed(self, ids) -> None:
        self.params.show_node(ids[0] if len(ids) == 1 else None)

    # -- canvas editing ----------------------------------------------------------------------
    def show_search(self) -> None:
        self._search_pos = self.canvas.scene_pos_of_cursor()
        vp = self.canvas.viewer.viewport()
        local = vp.mapFromGlobal(QtGui.QCursor.pos())
        if not vp.rect().contains(local):
            c = vp.rect().center()
            self._search_pos = self.canvas.view_center()
            local = c
        self.search.popup(vp.mapToGlobal(local))

    def _search_chosen(self, type_id: str) -> None:
        self.canvas.add_node(type_id, getattr(self, "_search_pos", None))

    def copy(self) -> None:
        clip = self.doc.copy_records(self.canvas.selected_ids())
        if clip["nodes"]:
            QtWidgets.QApplication.clipboard().setText(json.dumps(clip))
            self.status(f"Copied {len(clip['nodes'])} node(s)")

    def paste(self) -> None:
        try:
            clip = json.loads(QtWidgets.QApplication.clipboard().text())
        except (json.JSONDecodeError, TypeError):
            return
        if isinstance(clip, dict) and clip.get("cagraph_clip"):
            self._insert_clip(clip, canvas_tools.paste_offset(self.canvas, clip))

    def duplicate(self) -> None:
        self._insert_clip(self.doc.copy_records(self.canvas.selected_ids()))

    def _insert_clip(self, clip: dict, offset=(40.0, 40.0)) -> None:
        ids = self.doc.paste_records(clip, offset)
        self.canvas.select(ids)
        if self.doc.last_paste_skipped:
            self.status(f"Pasted {len(ids)} node(s); left out {self.doc.last_paste_skipped} "
                        "node(s) or link(s) this graph cannot take")

    def delete_selected(self) -> None:
        ids = self.canvas.selected_ids()
        bds = [bid for bid, bd in self.canvas._backdrops.items() if bd.selected()]
        if not ids and not bds:
            return  # an empty macro would still be an undo step (and mark the file unsaved)
        self.doc.undo.beginMacro("delete")
        if ids:
            self.doc.remove_nodes(ids)
        if bds:
            recs = [r for r in self.doc.graph.ui.get("backdrops", []) if r["id"] not in bds]
            self.doc.set_backdrops(recs, "delete backdrop")
        self.doc.undo.endMacro()

    # -- files ------------------------------------------------------------------------------------
    def open_initial(self, path: str | None) -> None:
        target = path or (str(DEFAULT_GRAPH) if DEFAULT_GRAPH.exists() else None)
        if target and os.path.exists(target):
            self._load(target, template=path is None)
        elif path:
            # a new file at this path
            self.doc.set_graph(Graph(), path)
        self._offer_recovery()

    def _offer_recovery(self) -> None:
        """After opening a file: offer back unsaved work a crash left for it."""
        rec = recovery.pending(self.doc.path)
        if rec is not None and self.ask(
                "restore", f"cagraph found unsaved work on {self.doc.display_name} from "
                f"{recovery.age_text(rec)} ago (probably a crash). Restore it?"):
            self._restore(rec)

    def _restore(self, rec: Path) -> None:
        from .document import read_graph

        try:
            g, _ = read_graph(rec)
        except (GraphError, OSError) as exc:
            kept = recovery.set_aside(rec)
            self.status(f"The recovery copy cannot be read ({exc}); kept as {kept}", 15000)
            return
        self.doc.set_graph(g, self.doc.path, dirty=True)
        self.status("Restored unsaved work from the recovery copy")

    def _load(self, path: str, template: bool = False) -> bool:
        try:
            fixed = self.doc.load(path)
        except GraphError as exc:
            QtWidgets.QMessageBox.critical(self, "Cannot open", str(exc)) if self.isVisible() \
                else None
            self.status(f"Cannot open {path}: {exc}")
            return False
        if template:  # the bundled default: never overwrite it by Save
            self.doc.path = None
            self.doc.title_changed.emit()
        else:
            self._add_recent(path)
        n_ph = sum(1 for nd in self.doc.graph.nodes.values() if nd.spec is None)
        if n_ph:
            self.status(f"{n_ph} node(s) this cagraph cannot run (unknown type or newer "
                        "version) kept as placeholders")
        elif fixed:
            self.status(f"Repaired {fixed} broken layout entr{'y' if fixed == 1 else 'ies'} "
                        "(node positions, backdrops) in the file's ui block")
        return True

    def _after_reset(self) -> None:
        self.params.show_node(None)
        self.preview.set_probe(None)  # a probe names a node of the previous document
        QtCore.QTimer.singleShot(0, self.canvas.frame_all)

    def maybe_save(self) -> bool:
        """True when it is fine to discard the current document."""
        if not self.doc.dirty:
            return True
        ans = self.ask("save_changes", f"Save changes to {self.doc.display_name}?")
        if ans == "save":
            return self.file_save()
        return ans == "discard"

    def file_new(self) -> None:
        """A gallery of starter and bundled graphs; the choice opens as a new untitled file."""
        from .gallery_dialog import GalleryDialog

        if not self.maybe_save():
            return
        dlg = GalleryDialog(self)
        if dlg.exec() != QtWidgets.QDialog.Accepted or dlg.chosen is None:
            return
        recovery.discard(self.doc.path)
        self.doc.set_graph(dlg.chosen)

    def file_open(self, path: str | None = None) -> bool:
        if not self.maybe_save():
            return False
        if not path:
            path, _ = QtWidgets.QFileDialog.getOpenFileName(
                self, "Open graph", str(self._last_dir()), "cagraph graphs (*.graph)")
            if not path:
                return False
        recovery.discard(self.doc.path)
        if not self._load(path):
            return False
        self._offer_recovery()
        return True

    def file_save(self) -> bool:
        if not self.doc.path:
            return self.file_save_as()
        return self._save_to(self.doc.path)

    def file_save_as(self, path: str | None = None) -> bool:
        if not path:
            path, _ = QtWidgets.QFileDialog.getSaveFileName(
                self, "Save graph", str(self._last_dir() / self.doc.display_name),
                "cagraph graphs (*.graph)")
            if not path:
                return False
            if not path.endswith(".graph"):
                path += ".graph"
        old = self.doc.path
        ok = self._save_to(path)
        if ok and old != path:
            recovery.discard(old)
        return ok

    def _save_to(self, path: str) -> bool:
        try:
            self.doc.save(path)
        except OSError as exc:
            self.status(f"Save failed: {exc}")
            QtWidgets.QMessageBox.critical(self, "Save failed", str(exc)) if self.isVisible() \
                else None
            return False
        recovery.discard(path)
        self._add_recent(path)
        self.status(f"Saved {path}")
        return True

    def file_revert(self) -> None:
        if self.doc.path and os.path.exists(self.doc.path):
            if self.doc.dirty and not self.ask(
                    "revert", f"Discard all changes and reload {self.doc.display_name} "
                    "from disk?"):
                return
            recovery.discard(self.doc.path)
            self._load(self.doc.path)

    def write_recovery(self) -> Path | None:
        if self.doc.dirty:
            return recovery.write(self.doc.path, self.doc.dumps())
        return None

    def _last_dir(self) -> Path:
        return Path(self.doc.path).parent if self.doc.path else Path.cwd()

    def recent_files(self) -> list[str]:
        v = self.settings.value("recent", [])
        if isinstance(v, str):
            v = [v]
        return [p for p in (v or []) if p]

    def _add_recent(self, path: str) -> None:
        path = os.path.abspath(path)
        rec = [p for p in self.recent_files() if p != path]
        self.settings.setValue("recent", [path, *rec][:MAX_RECENT])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for p in self.recent_files():
            a = self.recent_menu.addAction(p)
            a.setEnabled(os.path.exists(p))
            a.triggered.connect(lambda _=False, p=p: self.file_open(p))
        if not self.recent_menu.actions():
            self.recent_menu.addAction("(none)").setEnabled(False)

    def _ask_dialog(self, kind: str, text: str):
        if kind in ("restore", "revert"):
            title = "Recover unsaved work" if kind == "restore" else "Revert"
            return QtWidgets.QMessageBox.question(self, title, text) == QtWidgets.QMessageBox.Yes
        B = QtWidgets.QMessageBox.StandardButton
        r = QtWidgets.QMessageBox.question(self, "Unsaved changes", text,
                                           B.Save | B.Discard | B.Cancel, B.Save)
        return {B.Save: "save", B.Discard: "discard"}.get(r, "cancel")

    # -- capture --------------------------------------------------------------------------------
    def snapshot(self, path: str | None = None) -> str | None:
        rgb8 = self.preview.last_rgb8
        if rgb8 is None:
            self.status("Nothing to snapshot yet")
            return None
        if not path:
            default = self._last_dir() / f"{Path(self.doc.display_name).stem}-" \
                                         f"{self.preview.last_info.get('frame', 0):05d}.png"
            path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Snapshot", str(default),
                                                            "PNG (*.png)")
            if not path:
                return None
        try:
            capture.save_png(rgb8, path)
        except OSError as exc:
            self.status(f"Snapshot failed: {exc.strerror or exc}", 10000)
            return None
        self.status(f"Snapshot saved: {path}")
        return path

    def record(self, seconds: float, path: str | None = None):
        rec = getattr(self, "_recording", None)
        if rec is not None and rec.wants_more:
            self.status(f"Already recording ({rec.received}/{rec.frames} frames to "
                        f"{rec.path}); wait for it to finish")
            return None
        if not any(nd.type == "out.output" for nd in self.doc.graph.nodes.values()):
            self.status("Nothing to record: the graph has no Output node")
            return None
        if not self.worker.running:
            self.status("Nothing to record: the preview is not running")
            return None
        if not path:
            default = self._last_dir() / f"{Path(self.doc.display_name).stem}.mp4"
            path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Record MP4", str(default),
                                                            "MP4 video (*.mp4)")
            if not path:
                return None
        rec = self._recording = capture.Recorder(path, self.doc.graph.meta.fps, seconds)
        self.worker.record(rec)
        if not self.preview.play_btn.isChecked():
            self.preview.play_btn.setChecked(True)
        self.status(f"Recording {rec.frames} frames to {path}…")
        return rec

    def _recording_done(self, path: str, err: str) -> None:
        self.status(f"Recording failed: {err}" if err else f"Recording saved: {path}", 10000)

    def showEvent(self, ev):  # noqa: N802 - Qt API
        super().showEvent(ev)
        if not getattr(self, "_shown_once", False):
            self._shown_once = True
            window_layout.on_first_show(self)
        QtCore.QTimer.singleShot(50, self.canvas.frame_all)

    # -- closing ---------------------------------------------------------------------------------
    def closeEvent(self, ev):  # noqa: N802 - Qt API
        if not self.maybe_save():
            ev.ignore()
            return
        self._recovery_timer.stop()
        window_layout.save(self)
        rec = getattr(self, "_recording", None)
        if rec is not None and rec.wants_more:  # keep what was recorded so far
            rec.cancel()
            rec.wait(10)
        self.worker.stop()
        self.scope.close()
        live.close(self)
        recovery.discard(self.doc.path)
        self._gc_hold.release()
        ev.accept()
