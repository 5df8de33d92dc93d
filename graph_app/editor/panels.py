"""Side panels: node palette + Tab search, published parameters, validation."""

from __future__ import annotations

import copy

from PySide6 import QtCore, QtGui, QtWidgets

from nodes import registry
from nodes.errors import Severity
from nodes.validate import validate

from . import theme
from .adapter import MIME_PREFIX
from .document import Document


# -- palette ---------------------------------------------------------------------------

class PaletteTree(QtWidgets.QTreeWidget):
    """Every node type by category; double-click or drag onto the canvas to add."""

    add_requested = QtCore.Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setDragEnabled(True)
        self.setIndentation(12)
        self.setRootIsDecorated(True)
        for cat, classes in registry.categories().items():
            top = QtWidgets.QTreeWidgetItem([cat])
            f = top.font(0)
            f.setBold(True)
            top.setFont(0, f)
            top.setForeground(0, QtGui.QColor(theme.TEXT_DIM))
            top.setFlags(QtCore.Qt.ItemIsEnabled)
            r, g, b = theme.category_color(cat)
            for cls in classes:
                it = QtWidgets.QTreeWidgetItem([cls.title])
                it.setData(0, QtCore.Qt.UserRole, cls.type_id)
                it.setToolTip(0, f"{cls.type_id}\n{cls.doc}".strip())
                pm = QtGui.QPixmap(10, 10)
                pm.fill(QtGui.QColor(min(255, r + 60), min(255, g + 60), min(255, b + 60)))
                it.setIcon(0, QtGui.QIcon(pm))
                top.addChild(it)
            self.addTopLevelItem(top)
        self.expandAll()
        self.itemDoubleClicked.connect(self._activated)

    def _activated(self, item, _col):
        tid = item.data(0, QtCore.Qt.UserRole)
        if tid:
            self.add_requested.emit(tid)

    def mimeData(self, items):  # noqa: N802 - Qt API
        md = QtCore.QMimeData()
        tid = items[0].data(0, QtCore.Qt.UserRole) if items else None
        if tid:
            md.setText(MIME_PREFIX + tid)
        return md

    def mimeTypes(self):  # noqa: N802 - Qt API
        return ["text/plain"]


class TabSearch(QtWidgets.QFrame):
    """A popup search over all node types (title, type id, category)."""

    chosen = QtCore.Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent, QtCore.Qt.Popup)
        self.setObjectName("tabSearch")
        self.setStyleSheet(f"#tabSearch {{ border: 1px solid {theme.ACCENT}; "
                           f"background: {theme.PANEL_2}; }}")
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.edit = QtWidgets.QLineEdit()
        self.edit.setPlaceholderText("Search nodes…")
        self.list = QtWidgets.QListWidget()
        lay.addWidget(self.edit)
        lay.addWidget(self.list)
        self.resize(300, 320)
        self.entries = [(cls.title, cls.type_id, cls.category)
                        for cls in registry.registry().values()]
        self.entries.sort(key=lambda e: (e[2], e[0]))
        self.edit.textChanged.connect(self.filter)
        self.edit.returnPressed.connect(self.accept_current)
        self.list.itemActivated.connect(lambda _it: self.accept_current())
        self.edit.installEventFilter(self)
        self.filter("")

    def filter(self, text: str) -> None:
        from nodes.node_search import search  # titles, descriptions and everyday words

        self.list.clear()
        order = ([(c.title, c.type_id, c.category) for c in search(text)] if text.strip()
                 else self.entries)
        for title, tid, cat in order:
            it = QtWidgets.QListWidgetItem(f"{title}    —  {cat}")
            it.setData(QtCore.Qt.UserRole, tid)
            self.list.addItem(it)
        self.list.setCurrentRow(0)

    def eventFilter(self, obj, ev):  # noqa: N802 - Qt API
        if ev.type() == QtCore.QEvent.KeyPress and ev.key() in (QtCore.Qt.Key_Down,
                                                                 QtCore.Qt.Key_Up):
            row = self.list.currentRow() + (1 if ev.key() == QtCore.Qt.Key_Down else -1)
            self.list.setCurrentRow(max(0, min(row, self.list.count() - 1)))
            return True
        return False

    def accept_current(self) -> None:
        it = self.list.currentItem()
        if it is not None:
            self.hide()
            self.chosen.emit(it.data(QtCore.Qt.UserRole))

    def popup(self, global_pos: QtCore.QPoint) -> None:
        self.edit.clear()
        self.move(global_pos)
        self.show()
        self.edit.setFocus()


# -- published parameters ----------------------------------------------------------------

class PublishedPanel(QtWidgets.QWidget):
    """Published parameters in Scope order: rename, relabel, re-range, reorder, remove."""

    COLS = ("Name", "Label", "Source", "Min", "Max")
    message = QtCore.Signal(str)
    select_node = QtCore.Signal(str)

    def __init__(self, doc: Document, parent=None):
        super().__init__(parent)
        self.doc = doc
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.table = QtWidgets.QTableWidget(0, len(self.COLS))
        self.table.setHorizontalHeaderLabels(self.COLS)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SingleSelection)
        self.table.itemChanged.connect(self._item_changed)
        self.table.cellDoubleClicked.connect(self._double_clicked)
        lay.addWidget(self.table)
        bar = QtWidgets.QHBoxLayout()
        self.up = QtWidgets.QPushButton("▲")
        self.down = QtWidgets.QPushButton("▼")
        self.remove = QtWidgets.QPushButton("Unpublish")
        for b in (self.up, self.down):
            b.setFixedWidth(32)
        self.up.clicked.connect(lambda: self.move(-1))
        self.down.clicked.connect(lambda: self.move(1))
        self.remove.clicked.connect(self.remove_current)
        hint = QtWidgets.QLabel("Right-click a parameter → Publish")
        hint.setObjectName("dim")
        bar.addWidget(self.up)
        bar.addWidget(self.down)
        bar.addWidget(self.remove)
        bar.addStretch(1)
        bar.addWidget(hint)
        lay.addLayout(bar)
        doc.model_event.connect(lambda e, _p: e == "published_changed" and self.refresh())
        doc.model_event.connect(lambda e, _p: e == "node_removed" and self.refresh())
        doc.reset.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.table.blockSignals(True)
        pubs = self.doc.graph.published
        self.table.setRowCount(len(pubs))
        for r, p in enumerate(pubs):
            vals = (p.name, p.label, f"{p.node}.{p.param}",
                    "" if p.min is None else f"{p.min:g}", "" if p.max is None else f"{p.max:g}")
            for c, v in enumerate(vals):
                it = QtWidgets.QTableWidgetItem(v)
                if c == 2:
                    it.setFlags(it.flags() & ~QtCore.Qt.ItemIsEditable)
                    it.setForeground(QtGui.QColor(theme.TEXT_DIM))
                self.table.setItem(r, c, it)
        self.table.resizeColumnsToContents()
        self.table.blockSignals(False)

    def _item_changed(self, item) -> None:
        r, c = item.row(), item.column()
        pubs = copy.deepcopy(self.doc.graph.published)
        p = pubs[r]
        text = item.text().strip()
        try:
            if c == 0:
                p.name = text
            elif c == 1:
                p.label = text
            elif c in (3, 4):
                v = None if text == "" else float(text)
                spec = self.doc.graph.nodes[p.node].spec
                sp = spec.param(p.param) if spec else None
                if sp is not None and v is not None and sp.numeric and not (sp.min <= v <= sp.max):
                    raise ValueError(f"must lie within [{sp.min:g}, {sp.max:g}]")
                if c == 3:
                    p.min = v
                else:
                    p.max = v
        except ValueError as exc:
            self.message.emit(f"Published '{p.name}': {exc}")
            QtCore.QTimer.singleShot(0, self.refresh)
            return
        err = self.doc.set_published(pubs, f"edit published {p.name}")
        if err:
            self.message.emit(err)
            QtCore.QTimer.singleShot(0, self.refresh)

    def _double_clicked(self, r, c) -> None:
        if c == 2:
            self.select_node.emit(self.doc.graph.published[r].node)

    def move(self, delta: int) -> None:
        r = self.table.currentRow()
        pubs = copy.deepcopy(self.doc.graph.published)
        j = r + delta
        if r < 0 or not 0 <= j < len(pubs):
            return
        pubs[r], pubs[j] = pubs[j], pubs[r]
        self.doc.set_published(pubs, "reorder published")
        self.table.setCurrentCell(j, 0)

    def remove_current(self) -> None:
        r = self.table.currentRow()
        if r >= 0:
            pubs = copy.deepcopy(self.doc.graph.published)
            name = pubs.pop(r).name
            self.doc.set_published(pubs, f"unpublish {name}")


# -- validation ----------------------------------------------------------------------------

class ValidationPanel(QtWidgets.QWidget):
    """The runtime's errors and warnings; clicking one selects its node."""

    select_node = QtCore.Signal(str)
    counts_changed = QtCore.Signal(int, int)

    def __init__(self, doc: Document, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.issues = []
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.list = QtWidgets.QListWidget()
        self.list.setWordWrap(True)
        self.list.itemClicked.connect(self._clicked)
        lay.addWidget(self.list)
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.refresh)
        doc.model_event.connect(lambda e, _p: e != "param_changed" and self._timer.start())
        doc.model_event.connect(lambda e, _p: e == "param_changed" and self._timer.start(400))
        doc.reset.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.issues = validate(self.doc.graph)
        self.list.clear()
        n_err = sum(i.severity is Severity.ERROR for i in self.issues)
        n_warn = len(self.issues) - n_err
        if not self.doc.graph.nodes:
            it = QtWidgets.QListWidgetItem("Empty graph: nothing to show yet. Tab (or the "
                                           "Nodes panel) adds a node.")
            it.setForeground(QtGui.QColor(theme.TEXT_DIM))
            it.setFlags(QtCore.Qt.ItemIsEnabled)
            self.list.addItem(it)
        elif not self.issues:
            it = QtWidgets.QListWidgetItem("✓  No problems: the graph runs.")
            it.setForeground(QtGui.QColor(theme.OK))
            it.setFlags(QtCore.Qt.ItemIsEnabled)
            self.list.addItem(it)
        for iss in self.issues:
            err = iss.severity is Severity.ERROR
            where = iss.node_id or ""
            if iss.port:
                where += f".{iss.port}"
            elif iss.param:
                where += f".{iss.param}"
            it = QtWidgets.QListWidgetItem(f"{'✖' if err else '▲'}  {where}  {iss.message}")
            it.setForeground(QtGui.QColor(theme.ERROR if err else theme.WARN))
            it.setData(QtCore.Qt.UserRole, iss.node_id)
            it.setToolTip(f"{iss.code.value}: {iss}")
            self.list.addItem(it)
        self.counts_changed.emit(n_err, n_warn)

    def _clicked(self, item) -> None:
        nid = item.data(QtCore.Qt.UserRole)
        if nid and nid in self.doc.graph.nodes:
            self.select_node.emit(nid)
