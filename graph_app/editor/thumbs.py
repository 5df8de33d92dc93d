"""Thumbnails of graphs rendered off the UI thread, optionally cached on disk.

``ThumbRenderer`` takes jobs ``(key, graph)``, renders each graph's frame ``frame`` at
``size`` x ``size`` on one background thread (NumPy backend: the preview may hold the
GPU), and emits ``ready(key, QImage)`` on the UI thread as each one is done.  With a
cache folder, a thumbnail is first looked up there under a digest of the graph's file
text, size and frame (a changed graph gets a new one) and saved there once rendered.
``cancel()`` stops between engine steps, so closing a dialog does not leave minutes of
rendering behind.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtGui

from nodes import fileformat

THUMB_SIZE = 128
THUMB_FRAME = 45


def thumbnail_dir() -> Path:
    """The per-user cache of gallery thumbnails."""
    from graph_app.data_dir import user_data_dir

    return user_data_dir() / "thumbnails"


def cache_name(key: str, graph, size: int, frame: int) -> str:
    from nodes import sim_grid

    # a graph simulated on a finer grid (Gray-Scott, MNCA below 512) names it: thumbnails cached
    # before it was (the small grid's own, coarser organism) are not reused
    k = sim_grid.lift_factor(graph, (size, size))
    lift = f"lift{k}:" if k > 1 else ""
    digest = hashlib.sha1(f"{size}:{frame}:{lift}".encode() + fileformat.dumps(graph).encode())
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in key)[:40]
    return f"{safe}-{digest.hexdigest()[:16]}.png"


def to_qimage(rgb: np.ndarray) -> QtGui.QImage:
    rgb = np.ascontiguousarray(rgb)
    h, w, _ = rgb.shape
    return QtGui.QImage(rgb.data, w, h, 3 * w, QtGui.QImage.Format_RGB888).copy()


class BackgroundRender(QtCore.QObject):
    """One background thread running ``self._run(payload, stop)``; ``cancel()`` sets
    ``stop`` and joins it.  The gallery's thumbnails and the Variations grid use it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _launch(self, payload, name: str) -> None:
        self.cancel()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(payload, self._stop),
                                        name=name, daemon=True)
        self._thread.start()

    def cancel(self, wait: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(wait)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self, payload, stop: threading.Event) -> None:  # pragma: no cover
        raise NotImplementedError

    def _send(self, signal, *args) -> bool:
        """Emit from the worker thread; False (and the thread told to stop) when the
        renderer is gone: a dialog closed with ``cancel(wait=0)`` may delete it while the
        thread finishes its step, and emitting then raised in the thread."""
        try:
            signal.emit(*args)
            return True
        except RuntimeError:  # "Signal source has been deleted"
            self._stop.set()
            return False


class ThumbRenderer(BackgroundRender):
    #: (key, image) on the UI thread; a graph that fails to run gives a null image
    ready = QtCore.Signal(str, QtGui.QImage)
    #: every job is done (or the renderer was cancelled)
    finished = QtCore.Signal()

    def __init__(self, *, size: int | None = None, frame: int | None = None,
                 cache: Path | None = None, parent=None):
        super().__init__(parent)
        self.size = int(size or THUMB_SIZE)
        self.frame = int(THUMB_FRAME if frame is None else frame)
        self.cache = cache
        self.errors: dict[str, str] = {}

    def cached(self, key: str, graph) -> QtGui.QImage | None:
        if self.cache is None:
            return None
        p = self.cache / cache_name(key, graph, self.size, self.frame)
        if p.is_file():
            img = QtGui.QImage(str(p))
            if not img.isNull():
                return img
        return None

    def start(self, jobs: list[tuple[str, object]]) -> None:
        """Render ``jobs`` in order (graphs are copied first: the caller may edit its own)."""
        self._launch([(k, g.copy()) for k, g in jobs], "cagraph-thumbs")

    def _render(self, graph, stop: threading.Event) -> np.ndarray | None:
        from nodes.evaluator import Runtime

        rt = Runtime(graph, backend="numpy", size=self.size, width=self.size,
                     height=self.size)
        for _ in range(self.frame + 1):
            if stop.is_set():
                return None
            rt.step()
        return (np.clip(rt.output_host(), 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)

    def _run(self, jobs, stop: threading.Event) -> None:
        for key, graph in jobs:
            if stop.is_set():
                break
            img = self.cached(key, graph)
            if img is None:
                try:
                    rgb = self._render(graph, stop)
                except Exception as exc:  # noqa: BLE001 - a broken graph gets no thumbnail
                    self.errors[key] = f"{type(exc).__name__}: {exc}"
                    rgb = np.zeros((0, 0, 3), np.uint8)
                if rgb is None:
                    break
                if rgb.size == 0:
                    img = QtGui.QImage()
                else:
                    img = to_qimage(rgb)
                    if self.cache is not None:
                        try:
                            self.cache.mkdir(parents=True, exist_ok=True)
                            p = self.cache / cache_name(key, graph, self.size, self.frame)
                            tmp = p.with_name(p.name + ".part")
                            if img.save(str(tmp), "PNG"):
                                tmp.replace(p)
                        except OSError:
                            pass  # a read-only data folder: thumbnails are re-rendered
            if stop.is_set() or not self._send(self.ready, key, img):
                break
        self._send(self.finished)  # (nothing, when the renderer is gone)
