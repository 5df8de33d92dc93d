"""File → New: a gallery of starter graphs and the bundled presets.

The dialog opens at once with a placeholder per entry; thumbnails come from the
per-user cache (``thumbnails/`` in the data folder) or are rendered on a background
thread and fill in as they arrive.  Choosing an entry (double-click, or *Open* on the
selection) hands back a copy of its graph, which the window opens as a new untitled
document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6 import QtCore, QtGui, QtWidgets

from nodes.graph import Graph

from . import theme
from .thumbs import THUMB_SIZE, ThumbRenderer, thumbnail_dir


def _blank() -> Graph:
    return Graph()


def _one_lenia() -> Graph:
    g = Graph()
    g.meta.name = "lenia"
    g.meta.description = "One Lenia engine coloured through a palette into the Output"
    g.add_node("engine.lenia", "engine")
    g.add_node("colour.signals", "signals")
    g.add_node("colour.palette", "palette")
    g.add_node("colour.colorize", "colorize")
    g.add_node("out.output", "output")
    g.connect("engine", "field", "signals", "field")
    g.connect("signals", "t", "colorize", "t")
    g.connect("signals", "alpha", "colorize", "alpha")
    g.connect("palette", "palette", "colorize", "palette")
    g.connect("colorize", "rgb", "output", "rgb")
    for i, nid in enumerate(("engine", "signals", "palette", "colorize", "output")):
        g.ui.setdefault("nodes", {}).setdefault(nid, {})["pos"] = [
            260.0 * i, 120.0 if nid == "palette" else 0.0]
    return g


@dataclass
class Choice:
    key: str
    label: str
    description: str
    make: Callable[[], Graph]  # a fresh graph each call
    starter: bool = False


def _bundled_loader(path):
    def make() -> Graph:
        from .document import read_graph

        return read_graph(path)[0]

    return make


def choices() -> list[Choice]:
    """The starters first, then every bundled graph by name."""
    from nodes import gallery

    out = [Choice("starter:blank", "blank", "An empty graph", _blank, True),
           Choice("starter:lenia", "one Lenia → Output",
                  "A Lenia engine, its colour signals, a palette and the Output",
                  _one_lenia, True)]
    for e in gallery.bundled():
        out.append(Choice(f"graph:{e.name}", e.name,
                          f"{e.engine}: {e.description}" if e.description else e.engine,
                          _bundled_loader(e.path)))
    return out


def _placeholder(size: int, text: str = "") -> QtGui.QPixmap:
    pm = QtGui.QPixmap(size, size)
    pm.fill(QtGui.QColor("#101216"))
    if text:
        p = QtGui.QPainter(pm)
        p.setPen(QtGui.QColor("#5b6270"))
        p.drawText(pm.rect(), QtCore.Qt.AlignCenter, text)
        p.end()
    return pm


class GalleryDialog(QtWidgets.QDialog):
    def __init__(self, parent=None, *, renderer: ThumbRenderer | None = None,
                 items: list[Choice] | None = None):
        super().__init__(parent)
        self.setWindowTitle("New graph")
        self.resize(900, 640)
        self.items = items if items is not None else choices()
        self.chosen: Graph | None = None
        self.chosen_key: str | None = None

        self.list = QtWidgets.QListWidget()
        self.list.setViewMode(QtWidgets.QListView.IconMode)
        self.list.setIconSize(QtCore.QSize(THUMB_SIZE, THUMB_SIZE))
        self.list.setGridSize(QtCore.QSize(THUMB_SIZE + 28, THUMB_SIZE + 48))
        self.list.setResizeMode(QtWidgets.QListView.Adjust)
        self.list.setMovement(QtWidgets.QListView.Static)
        self.list.setUniformItemSizes(True)
        self.list.setWordWrap(True)
        self._row: dict[str, QtWidgets.QListWidgetItem] = {}
        pending = QtGui.QIcon(_placeholder(THUMB_SIZE, "…"))
        blank = QtGui.QIcon(_placeholder(THUMB_SIZE, "empty"))
        for c in self.items:
            it = QtWidgets.QListWidgetItem(blank if c.key == "starter:blank" else pending,
                                           c.label)
            it.setToolTip(c.description)
            it.setData(QtCore.Qt.UserRole, c.key)
            self.list.addItem(it)
            self._row[c.key] = it
        self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _it: self.accept())
        self.list.currentItemChanged.connect(self._show_description)

        self.description = QtWidgets.QLabel("")
        self.description.setWordWrap(True)
        self.description.setStyleSheet(f"color: {theme.TEXT_DIM};")
        bb = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.Open |
                                        QtWidgets.QDialogButtonBox.Cancel)
        self.open_button = bb.button(QtWidgets.QDialogButtonBox.Open)
        bb.accepted.connect(self.accept)
        bb.rejected.connect(self.reject)
        lay = QtWidgets.QVBoxLayout(self)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.description)
        lay.addWidget(bb)
        self._show_description(self.list.currentItem())

        # thumbnails: cached ones at once, the rest from the background thread
        self.renderer = renderer or ThumbRenderer(cache=thumbnail_dir(), parent=self)
        self.renderer.ready.connect(self._thumb)
        jobs = []
        for c in self.items:
            if c.key == "starter:blank":
                continue
            try:
                g = c.make()
            except Exception:  # noqa: BLE001 - an unreadable file keeps its placeholder
                continue
            img = self.renderer.cached(c.key, g)
            if img is not None:
                self._thumb(c.key, img)
            else:
                jobs.append((c.key, g))
        if jobs:
            self.renderer.start(jobs)

    def _show_description(self, it) -> None:
        c = self._choice(it.data(QtCore.Qt.UserRole)) if it is not None else None
        self.description.setText(c.description if c else "")

    def _choice(self, key) -> Choice | None:
        return next((c for c in self.items if c.key == key), None)

    def _thumb(self, key: str, img: QtGui.QImage) -> None:
        it = self._row.get(key)
        if it is None:
            return
        it.setIcon(QtGui.QIcon(QtGui.QPixmap.fromImage(img)) if not img.isNull()
                   else QtGui.QIcon(_placeholder(THUMB_SIZE, "does not run")))
        it.setData(QtCore.Qt.UserRole + 1, not img.isNull())

    def thumbnails_done(self) -> int:
        """How many entries show a rendered thumbnail (for tests)."""
        return sum(1 for it in self._row.values() if it.data(QtCore.Qt.UserRole + 1))

    def select(self, key: str) -> None:
        self.list.setCurrentItem(self._row[key])

    def accept(self) -> None:
        it = self.list.currentItem()
        c = self._choice(it.data(QtCore.Qt.UserRole)) if it is not None else None
        if c is None:
            return
        self.chosen, self.chosen_key = c.make(), c.key
        super().accept()

    def done(self, r: int) -> None:
        self.renderer.cancel(wait=0.0)  # a tile in progress stops at its next step
        super().done(r)
