"""Edit → Variations…: a grid of live variants of the current graph.

Each variant is the document's graph with its published parameters moved around
their values by ``nodes.explore.variations`` (the *Amount* slider; the *Seed* makes a
grid reproducible: the same graph, amount and seed give the same variants).  The
thumbnails run on a background thread (NumPy, small grids) and keep moving while the
dialog is open.  Clicking one adopts it: every changed published value is set as ONE
undo step, and the grid is rebuilt around the new values.  *Back* steps back to the
values before the last adoption (it undoes that step).
"""

from __future__ import annotations

import threading

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from nodes import explore

from . import theme
from .thumbs import BackgroundRender, to_qimage

N_VARIANTS = 9
COLS = 3
THUMB_SIZE = 160
FIRST_FRAME = 30  # frames run before a variant's first thumbnail
EVERY = 3  # a thumbnail refresh every this many frames of each variant


def published_targets(graph):
    """(node, param, published name) of every published parameter the graph has."""
    return [(p.node, p.param, p.name) for p in graph.published if p.node in graph.nodes]


class LiveThumbs(BackgroundRender):
    """Runs a list of graphs side by side on one thread and emits their frames."""

    frame = QtCore.Signal(int, QtGui.QImage)  # (index, image)

    def __init__(self, size: int, parent=None):
        super().__init__(parent)
        self.size = size

    def start(self, graphs) -> None:
        self._launch([g.copy() for g in graphs], "cagraph-variations")

    def _image(self, rt) -> QtGui.QImage:
        return to_qimage((np.clip(rt.output_host(), 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8))

    def _run(self, graphs, stop: threading.Event) -> None:
        from nodes.evaluator import Runtime

        rts: list = []
        for i, g in enumerate(graphs):  # each variant's first picture as soon as it is ready
            if stop.is_set():
                return
            try:
                rt = Runtime(g, backend="numpy", size=self.size, width=self.size,
                             height=self.size)
                for _ in range(FIRST_FRAME):
                    if stop.is_set():
                        return
                    rt.step()
            except Exception:  # noqa: BLE001 - a variant that fails shows a blank tile
                rts.append(None)
                if not self._send(self.frame, i, QtGui.QImage()):
                    return
                continue
            rts.append(rt)
            if not self._send(self.frame, i, self._image(rt)):
                return
        n = 0
        while not stop.is_set():
            n += 1
            for i, rt in enumerate(rts):
                if stop.is_set():
                    return
                if rt is None:
                    continue
                try:
                    rt.step()
                except Exception:  # noqa: BLE001
                    rts[i] = None
                    continue
                if n % EVERY == 0 and not self._send(self.frame, i, self._image(rt)):
                    return
            if not any(rts):
                return


class VariationsDialog(QtWidgets.QDialog):
    def __init__(self, doc, parent=None, *, seed: int = 0, amount: float = 0.3,
                 n: int = N_VARIANTS):
        super().__init__(parent)
        self.setWindowTitle("Variations")
        self.doc, self.n = doc, n
        self.variants: list = []
        self.history: list[int] = []  # undo-stack indexes right after each adoption

        self.amount = QtWidgets.QSlider(QtCore.Qt.Horizontal)
        self.amount.setRange(0, 100)
        self.amount.setValue(round(amount * 100))
        self.amount_label = QtWidgets.QLabel("")
        self.seed = QtWidgets.QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(seed)
        self.shuffle = QtWidgets.QPushButton("Shuffle")
        self.shuffle.setToolTip("The next seed: a new grid")
        self.back = QtWidgets.QPushButton("Back")
        self.back.setToolTip("Back to the values before the last adopted variant (one undo)")
        top = QtWidgets.QHBoxLayout()
        top.addWidget(QtWidgets.QLabel("Amount"))
        top.addWidget(self.amount, 1)
        top.addWidget(self.amount_label)
        top.addSpacing(12)
        top.addWidget(QtWidgets.QLabel("Seed"))
        top.addWidget(self.seed)
        top.addWidget(self.shuffle)
        top.addSpacing(12)
        top.addWidget(self.back)

        grid = QtWidgets.QGridLayout()
        grid.setSpacing(6)
        self.tiles: list[QtWidgets.QToolButton] = []
        for i in range(n):
            b = QtWidgets.QToolButton()
            b.setIconSize(QtCore.QSize(THUMB_SIZE, THUMB_SIZE))
            b.setFixedSize(THUMB_SIZE + 10, THUMB_SIZE + 10)
            b.setAutoRaise(True)
            b.clicked.connect(lambda _c=False, i=i: self.adopt(i))
            grid.addWidget(b, i // COLS, i % COLS)
            self.tiles.append(b)
        self.info = QtWidgets.QLabel("Click a variant to adopt it (one undo step).")
        self.info.setStyleSheet(f"color: {theme.TEXT_DIM};")
        self.info.setWordWrap(True)
        bb = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.Close)
        bb.rejected.connect(self.reject)
        lay = QtWidgets.QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(grid)
        lay.addWidget(self.info)
        lay.addWidget(bb)

        self.live = LiveThumbs(THUMB_SIZE, self)
        self.live.frame.connect(self._frame)
        # a slider drag rebuilds the grid once it rests, not on every step
        self._regen = QtCore.QTimer(self)
        self._regen.setSingleShot(True)
        self._regen.setInterval(250)
        self._regen.timeout.connect(self.regenerate)
        self.amount.valueChanged.connect(self._amount_moved)
        self.seed.valueChanged.connect(lambda _v: self._regen.start())
        self.shuffle.clicked.connect(lambda: self.seed.setValue(self.seed.value() + 1))
        self.back.clicked.connect(self.step_back)
        self._amount_moved(self.amount.value(), regen=False)
        self.regenerate()

    # -- the grid ------------------------------------------------------------------------
    def amount_value(self) -> float:
        return self.amount.value() / 100.0

    def _amount_moved(self, v: int, regen: bool = True) -> None:
        self.amount_label.setText(f"{v / 100.0:.2f}")
        if regen:
            self._regen.start()

    def regenerate(self) -> None:
        """New variants around the document's current values (amount and seed as set)."""
        self._regen.stop()
        self.variants = explore.variations(self.doc.graph, self.n, amount=self.amount_value(),
                                           seed=self.seed.value())
        base = self.doc.graph
        blank = QtGui.QPixmap(THUMB_SIZE, THUMB_SIZE)
        blank.fill(QtGui.QColor("#101216"))
        for i, (b, v) in enumerate(zip(self.tiles, self.variants)):
            b.setIcon(QtGui.QIcon(blank))
            b.setToolTip(self._diff_text(base, v))
        self.back.setEnabled(bool(self.history))
        self.live.start(self.variants)

    @staticmethod
    def _diff_text(base, v) -> str:
        lines = []
        for nid, param, name in published_targets(base):
            a, b = base.param_value(nid, param), v.param_value(nid, param)
            if a != b:
                fa = f"{a:.4g}" if isinstance(a, float) else str(a)
                fb = f"{b:.4g}" if isinstance(b, float) else str(b)
                lines.append(f"{name}: {fa} → {fb}")
        return "\n".join(lines) or "(the same values)"

    def _frame(self, i: int, img: QtGui.QImage) -> None:
        if 0 <= i < len(self.tiles) and not img.isNull():
            self.tiles[i].setIcon(QtGui.QIcon(QtGui.QPixmap.fromImage(img)))

    # -- adopting ------------------------------------------------------------------------
    def adopt(self, i: int) -> None:
        """Set variant ``i``'s published values on the document as one undo step."""
        v, g = self.variants[i], self.doc.graph
        changes = [(nid, param, v.param_value(nid, param))
                   for nid, param, _name in published_targets(g)
                   if nid in v.nodes and v.param_value(nid, param) != g.param_value(nid, param)]
        if changes:
            self.doc.undo.beginMacro(f"adopt variation {i + 1}")
            for nid, param, value in changes:
                self.doc.set_param(nid, param, value)
            self.doc.undo.endMacro()
            self.history.append(self.doc.undo.index())
        self.info.setText(f"Adopted variation {i + 1} ({len(changes)} value(s) changed); "
                          "the grid now varies around it. Back returns to the values before.")
        self.regenerate()

    def step_back(self) -> None:
        """Undo the last adoption (when nothing else was undone or done since)."""
        while self.history:
            idx = self.history.pop()
            if self.doc.undo.index() == idx:
                self.doc.undo.undo()
                self.info.setText("Back to the values before the last adopted variation.")
                break
        self.regenerate()

    def done(self, r: int) -> None:
        self._regen.stop()
        self.live.cancel(wait=0.0)
        super().done(r)


def open_for(window) -> None:
    """The window's Edit → Variations… entry."""
    if not window.doc.graph.published:
        window.status("Variations vary published parameters: this graph publishes none "
                      "(publish some in the Parameters panel)")
        return
    VariationsDialog(window.doc, window).exec()
