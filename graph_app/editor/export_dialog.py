"""File → Export for Scope…: what ``cagraph export`` does, for the graph being edited.

The graph is exported as it is now (saved or not), under the names its file gives it
(``scope_export.exporter.derive_names``), into a folder the user picks, with LoRAs
(``PATH[:SCALE]``), a merge mode, a frame size and a prompt.  The export runs on a worker
thread; the dialog shows that it is busy and then one line: where the plugin went, or
what was wrong.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from . import theme
from .scope_link import lora_editor, lora_specs


def export_graph(graph, doc_path: str | None, out_dir: str, *, loras=(), merge_mode="permanent_merge",
                 size: str | None = None, prompt: str | None = None):
    """Export ``graph`` (a copy of the document's) as its file would be exported."""
    import nodes
    from scope_export.exporter import derive_names, export

    names = derive_names(graph, None, doc_path)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"{Path(doc_path).stem if doc_path else names.slug}.graph"
        nodes.save(graph, src)
        return export(src, out_dir, name=names.slug, loras=list(loras), merge_mode=merge_mode,
                      size=size or None, prompt=prompt or None)


class ExportDialog(QtWidgets.QDialog):
    #: (result or exception), from the worker thread
    _done = QtCore.Signal(object)
    finished_export = QtCore.Signal(object)

    def __init__(self, win, parent=None):
        super().__init__(parent or win)
        from scope_export.exporter import DEFAULT_SIZE, derive_names

        self.win = win
        doc = win.doc
        self.names = derive_names(doc.graph, None, doc.path)
        self.setWindowTitle("Export for Scope")
        self.setMinimumWidth(560)
        st = win.settings
        lay = QtWidgets.QFormLayout(self)
        self.pipeline = QtWidgets.QLabel(f"<b>{self.names.pipeline_id}</b>  "
                                         f"({self.names.pipeline_name})")
        lay.addRow("Pipeline", self.pipeline)
        default_dir = Path(str(st.value("export/dir", str(Path.home())))) / self.names.slug
        self.folder = QtWidgets.QLineEdit(str(default_dir))
        browse = QtWidgets.QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        lay.addRow("Folder", row)
        self.loras, col = lora_editor(self, str(st.value("scope/loras", "")), 70)
        lay.addRow("LoRAs", col)
        self.merge = QtWidgets.QComboBox()
        self.merge.addItem("permanent merge (full speed)", "permanent_merge")
        self.merge.addItem("runtime PEFT (scales change live, about half speed)", "runtime_peft")
        lay.addRow("LoRA merge", self.merge)
        m = doc.graph.meta
        w, h = (m.width, m.height) if m.width and m.height else DEFAULT_SIZE
        self.size = QtWidgets.QLineEdit(f"{w}x{h}")
        self.size.setToolTip("Krea's frame, WIDTHxHEIGHT in multiples of 16")
        lay.addRow("Frame size", self.size)
        self.prompt = QtWidgets.QLineEdit(str(st.value("export/prompt", "")))
        self.prompt.setPlaceholderText("Krea's prompt in the workflow (empty: the default)")
        lay.addRow("Prompt", self.prompt)
        self.progress = QtWidgets.QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(8)
        lay.addRow(self.progress)
        self.result = QtWidgets.QLabel("")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        lay.addRow(self.result)
        self.buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.Close)
        self.export_btn = self.buttons.addButton("Export", QtWidgets.QDialogButtonBox.AcceptRole)
        self.export_btn.setDefault(True)
        self.buttons.rejected.connect(self.reject)
        self.export_btn.clicked.connect(self.start)
        lay.addRow(self.buttons)
        self.busy = False
        self.last = None  # the last ExportResult or exception
        self._done.connect(self._finish, QtCore.Qt.QueuedConnection)

    def _browse(self):
        d = QtWidgets.QFileDialog.getExistingDirectory(self, "Export into folder",
                                                       str(Path(self.folder.text()).parent))
        if d:
            self.folder.setText(str(Path(d) / self.names.slug))

    def lora_specs(self) -> list[str]:
        return lora_specs(self.loras)

    def start(self) -> None:
        if self.busy:
            return
        out = self.folder.text().strip()
        if not out:
            self._say("Choose a folder to export into", error=True)
            return
        st = self.win.settings
        st.setValue("export/dir", str(Path(out).expanduser().parent))
        st.setValue("export/prompt", self.prompt.text())
        st.setValue("scope/loras", "\n".join(self.lora_specs()))  # shared with Launch
        graph = self.win.doc.graph.copy()
        args = dict(loras=self.lora_specs(), merge_mode=self.merge.currentData(),
                    size=self.size.text().strip(), prompt=self.prompt.text().strip())
        path = self.win.doc.path
        self.busy = True
        self.export_btn.setEnabled(False)
        self.progress.setRange(0, 0)  # busy
        self._say(f"Exporting {self.names.pipeline_id} …")

        def work():
            try:
                res = export_graph(graph, path, out, **args)
            except Exception as exc:  # noqa: BLE001 - shown as one line
                res = exc
            self._done.emit(res)

        threading.Thread(target=work, name="cagraph-export", daemon=True).start()

    def _finish(self, res) -> None:
        self.busy = False
        self.last = res
        self.export_btn.setEnabled(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(0 if isinstance(res, Exception) else 1)
        if isinstance(res, Exception):
            self._say(f"Export failed: {res}", error=True)
            self.win.status(f"Export failed: {res}", 0)
        else:
            warn = "".join(f"<br>warning: {w}" for w in res.warnings)
            self._say(f"Exported {res.names.pipeline_id} to {res.out_dir} "
                      f"(workflow {res.workflow_path.name}){warn}")
            self.win.status(f"Exported {res.names.pipeline_id} to {res.out_dir}")
        self.finished_export.emit(res)

    def _say(self, text: str, error: bool = False) -> None:
        self.result.setStyleSheet(f"color: {theme.ERROR if error else theme.OK}")
        self.result.setText(text)

    def reject(self):
        super().reject()  # a running export finishes in the background; its line goes
        # to the status bar


def open_export_dialog(win) -> ExportDialog:
    dlg = ExportDialog(win)
    win._export_dialog = dlg  # kept: the export may outlive the dialog's window
    dlg.open()
    return dlg


def install(win, menu):
    return win._act(menu, "Export for Scope…", lambda: open_export_dialog(win),
                    tip="What `cagraph export` does: a Scope plugin package and a workflow "
                        "with LoRAs, in a folder you choose")
