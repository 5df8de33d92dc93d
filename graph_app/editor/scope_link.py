"""Live link: published-parameter edits in the editor go to a running Scope session.

The session is started with ``cagraph scope launch GRAPH --server URL``, or from
the editor (:meth:`ScopeLink.launch`, the same flow): it installs the exported
plugin and chains it into Krea.  Connecting the editor
to that server makes every edit of a published parameter reach the running
pipeline, as ``cagraph scope set`` would send it, so an artist tunes the graph
and watches Krea's output follow.  Edits are coalesced (one request per
``FLUSH_MS`` at most) and sent on a worker thread: the UI never waits for the
network, and a slow or vanished server turns into a status message.
"""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from PySide6 import QtCore, QtWidgets

FLUSH_MS = 100



def lora_editor(parent: QtWidgets.QWidget, text: str, height: int):
    """The LoRA list of the Launch and Export dialogs: one ``PATH[:SCALE]`` a line and an
    *Add LoRA file…* button.  Returns (the text edit, the layout holding both)."""
    edit = QtWidgets.QPlainTextEdit(text)
    edit.setPlaceholderText("one Wan2.1-T2V-14B LoRA per line: PATH[:SCALE]")
    edit.setFixedHeight(height)
    add = QtWidgets.QPushButton("Add LoRA file…")

    def pick():
        paths, _ = QtWidgets.QFileDialog.getOpenFileNames(parent, "LoRA files", "",
                                                          "LoRA (*.safetensors)")
        for p in paths:
            edit.appendPlainText(f"{p}:1.0")

    add.clicked.connect(pick)
    col = QtWidgets.QVBoxLayout()
    col.addWidget(edit)
    col.addWidget(add, 0, QtCore.Qt.AlignLeft)
    return edit, col


def lora_specs(edit: QtWidgets.QPlainTextEdit) -> list[str]:
    """The non-empty lines of a LoRA list."""
    return [ln.strip() for ln in edit.toPlainText().splitlines() if ln.strip()]

class ScopeLink(QtCore.QObject):
    #: (message, is_error) for the status bar
    status = QtCore.Signal(str, bool)
    #: connected pipeline id, or "" when disconnected
    linked = QtCore.Signal(str)
    _done = QtCore.Signal(object, object)  # (callback, result-or-exception), worker -> UI

    def __init__(self, doc, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.server: str | None = None
        self.pipeline_id: str | None = None
        self.client = None
        self.sent: list[dict] = []  # bodies sent (newest last), for the status line and tests
        #: where launched plugins are exported; Scope re-resolves them from there later,
        #: so the folder must stay (default: the per-user data folder)
        self.plugins_dir: Path | None = None
        self.busy = False
        #: the running pipeline's settable fields (None: not known, send every name)
        self.fields: set[str] | None = None
        self._pending: dict[str, Any] = {}
        self._generation = 0  # bumps on connect/disconnect: late answers are dropped
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cagraph-scope")
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FLUSH_MS)
        self._timer.timeout.connect(self._flush)
        self._done.connect(self._finish, QtCore.Qt.QueuedConnection)
        doc.model_event.connect(self._on_model_event)
        doc.reset.connect(self.disconnect)

    # -- state -------------------------------------------------------------------------
    @property
    def connected(self) -> bool:
        return self.pipeline_id is not None

    def expected_pipeline(self) -> str:
        from scope_export.exporter import derive_names

        return derive_names(self.doc.graph, None, self.doc.path).pipeline_id

    def published_values(self) -> dict[str, Any]:
        g = self.doc.graph
        return {p.name: g.param_value(p.node, p.param) for p in g.published
                if p.node in g.nodes}

    # -- connect / disconnect ----------------------------------------------------------
    def connect_to(self, server: str) -> None:
        """Check the server (off the UI thread); on success start forwarding edits and
        send every published value once, so the session matches the editor."""
        from scope_export.scope_client import ScopeClient, normalise_url

        self.disconnect(quiet=True)
        url = normalise_url(server)
        pid = self.expected_pipeline()
        client = ScopeClient(url, timeout=10.0)
        self.status.emit(f"Scope: connecting to {url} …", False)

        def work():
            schemas = client.schemas()
            if pid not in schemas:
                ours = sorted(p for p in schemas if p.startswith("cagraph-"))
                raise LookupError(
                    f"{url} has no {pid} pipeline"
                    + (f" (it has {', '.join(ours)})" if ours else "")
                    + f": start it with `cagraph scope launch {self.doc.path or 'GRAPH'} "
                      f"--server {url}`")
            return pid, _input_fields(schemas[pid])

        self._submit(work, self._link_when_done(url, client, "", "linked to {pid} on {url}; "
                                                "published parameters follow your edits"))

    def launch(self, server: str, loras: list[str] | None = None, *,
               merge_mode: str = "permanent_merge") -> None:
        """``cagraph scope launch`` for the graph being edited (off the UI thread, progress
        in the status bar), then link to the session it started.  The graph is exported
        as it is now, saved or not; LoRAs are ``PATH[:SCALE]`` as on the command line."""
        from scope_export.exporter import derive_names
        from scope_export.scope_client import ScopeClient, launch_graph, normalise_url

        import nodes

        if self.busy:
            self.status.emit("Scope: a launch is already running", True)
            return
        self.disconnect(quiet=True)
        url = normalise_url(server)
        names = derive_names(self.doc.graph, None, self.doc.path)
        graph = self.doc.graph.copy()
        root = Path(self.plugins_dir or _data_dir()) / "scope-plugins"
        client = ScopeClient(url, timeout=30.0)
        self.busy = True
        self.status.emit(f"Scope: launching {names.pipeline_id} on {url} …", False)

        def work():
            with tempfile.TemporaryDirectory() as tmp:
                src = Path(tmp) / f"{names.slug}.graph"
                nodes.save(graph, src)
                launch_graph(client, src, out=root / names.slug, name=names.slug,
                             loras=list(loras or []), merge_mode=merge_mode,
                             progress=lambda m: self.status.emit(f"Scope: {m}", False),
                             warn=lambda m: self.status.emit(f"Scope: warning: {m}", True))
            schema = client.schemas().get(names.pipeline_id, {})
            return names.pipeline_id, _input_fields(schema)

        def always():
            self.busy = False

        self._submit(work, self._link_when_done(url, client, "launch failed: ",
                                                "{pid} runs on {url}, linked: published "
                                                "parameters follow your edits"), always)

    def _link_when_done(self, url: str, client, failed: str, linked: str):
        """The answer handler of a connect or a launch: ``(pid, fields)`` links (status
        ``linked`` formatted with pid and url), an exception is reported after ``failed``."""
        def done(result):
            if isinstance(result, Exception):
                self.status.emit(f"Scope: {failed}{result}", True)
                return
            pid, fields = result
            self._linked(url, pid, client, "Scope: " + linked.format(pid=pid, url=url), fields)

        return done

    def _linked(self, url: str, pid: str, client, message: str,
                fields: set[str] | None = None) -> None:
        """Start forwarding, and send every published value once: the session then matches
        the editor (edits made while connecting or launching included)."""
        self.server, self.pipeline_id, self.client = url, pid, client
        self.fields = fields or None
        self.linked.emit(pid)
        self.status.emit(message, False)
        self._pending = {k: v for k, v in self.published_values().items()
                         if self.fields is None or k in self.fields}
        self._flush()

    def disconnect(self, quiet: bool = False) -> None:
        was = self.connected
        self._generation += 1
        self._timer.stop()
        self._pending.clear()
        self.server = self.pipeline_id = self.client = None
        self.fields = None
        if was:
            self.linked.emit("")
            if not quiet:
                self.status.emit("Scope: link closed", False)

    def close(self) -> None:
        self.disconnect(quiet=True)
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- forwarding --------------------------------------------------------------------
    def _on_model_event(self, event: str, payload: dict) -> None:
        if not self.connected or event != "param_changed":
            return
        names = [p.name for p in self.doc.graph.published
                 if p.node == payload.get("node_id") and p.param == payload.get("name")]
        if not names:  # not published: Scope has no field for it
            self.status.emit(f"Scope: {payload.get('node_id')}.{payload.get('name')} is not "
                             "published, so the session keeps its launched value (publish it, "
                             "or launch again)", False)
            return
        new = [n for n in names if self.fields is not None and n not in self.fields]
        if new:  # published (or renamed) after the session was launched
            self.status.emit(f"Scope: {', '.join(new)} is not a field of the running "
                             f"{self.pipeline_id} (published after it was launched): Launch on "
                             "Scope again to use it", True)
        for n in names:
            if n not in new:
                self._pending[n] = payload.get("value")
        if self._pending and not self._timer.isActive():
            self._timer.start()

    def _flush(self) -> None:
        if not self.connected or not self._pending:
            return
        body = {"node_id": self.pipeline_id, **self._pending}
        self._pending = {}
        client = self.client

        def work():
            client.update_parameters(body)
            return body

        def done(result):
            from scope_export.scope_client import ScopeUnreachable

            if isinstance(result, ScopeUnreachable):  # the server went away: say so, unlink
                server = self.server
                self.disconnect(quiet=True)
                self.status.emit(f"Scope: {server} is not answering ({result}); link closed",
                                 True)
                return
            if isinstance(result, Exception):
                names = ", ".join(k for k in body if k != "node_id")
                self.status.emit(f"Scope: could not send {names} ({result})", True)
                return
            self.sent.append(result)
            self.status.emit("Scope: " + ", ".join(f"{k}={_fmt(v)}" for k, v in result.items()
                                                   if k != "node_id"), False)

        self._submit(work, done)

    # -- plumbing ----------------------------------------------------------------------
    def _submit(self, work, done, always=None) -> None:
        gen = self._generation

        def run():
            try:
                res = work()
            except Exception as exc:  # noqa: BLE001 - reported in the status bar
                res = exc
            self._done.emit((gen, done, always), res)

        self._pool.submit(run)

    def _finish(self, tagged, result) -> None:
        gen, done, always = tagged
        if always is not None:
            always()
        if gen == self._generation:  # else: answered after a disconnect or a newer connect
            done(result)


class LaunchDialog(QtWidgets.QDialog):
    """Server URL and LoRAs (``PATH[:SCALE]``, one per line) for a launch from the editor."""

    def __init__(self, server: str, loras: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Launch on Scope")
        lay = QtWidgets.QFormLayout(self)
        self.server = QtWidgets.QLineEdit(server)
        lay.addRow("Scope server", self.server)
        self.loras, col = lora_editor(self, loras, 90)
        lay.addRow("LoRAs", col)
        self.live_scales = QtWidgets.QCheckBox(
            "Change LoRA scales live (runtime PEFT: about half Krea's frame rate)")
        lay.addRow("", self.live_scales)
        note = QtWidgets.QLabel(
            "Exports the graph as it is now, installs it on the server if needed, loads it "
            "with Krea Realtime and the LoRAs and starts the session; then your "
            "published-parameter edits follow live.")
        note.setWordWrap(True)
        note.setObjectName("dim")
        lay.addRow(note)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.Ok |
                                             QtWidgets.QDialogButtonBox.Cancel)
        buttons.button(QtWidgets.QDialogButtonBox.Ok).setText("Launch")
        self.setMinimumWidth(520)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addRow(buttons)

    def merge_mode(self) -> str:
        return "runtime_peft" if self.live_scales.isChecked() else "permanent_merge"

    def lora_specs(self) -> list[str]:
        return lora_specs(self.loras)


def _input_fields(schema: dict) -> set[str]:
    """The names of the fields a session of this pipeline takes at run time."""
    from scope_export.scope_client import input_fields

    return set(input_fields((schema.get("config_schema") or {}).get("properties") or {}))


def _data_dir() -> Path:
    from ..data_dir import user_data_dir  # the folder `cagraph scope launch` uses too

    return user_data_dir()


def _fmt(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)
