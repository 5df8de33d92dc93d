"""Live preview: the evaluator runs on a worker thread, the UI only paints.

The UI thread never touches the worker's Runtime.  It posts messages to a
queue: a *copy* of the graph after structural edits (nodes, links), single
param values while a slider moves, and transport commands.  The worker applies
them between frames, so it never sees a half-edited graph.  Frames come back
as ready-made QImages; only the newest is kept (no backlog builds up when the
UI is busy).
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections import deque

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from nodes import START_PREROLL, Runtime
from nodes.backend import get_backend
from nodes.errors import GraphError
from nodes.graph import Graph
from nodes.spec import Kind

from . import hud, preview_sizes, theme
from .live_text import LiveText


# -- value -> image ------------------------------------------------------------------

def to_rgb8(rgb: np.ndarray) -> np.ndarray:
    """uint8 (H, W, 3) of its own from a host float image (one compiled pass with numba:
    at 1024^2 the NumPy expression took ~12 ms of each preview frame)."""
    return get_backend("numpy").k.rgb_to_u8(np.asarray(rgb, np.float32))


def field_to_rgb8(f: np.ndarray) -> np.ndarray:
    f = np.asarray(f, np.float32)
    lo, hi = float(f.min()), float(f.max())
    if lo < 0.0 or hi > 1.0:  # outside [0, 1]: stretch to the range
        f = (f - lo) / (hi - lo) if hi > lo else np.zeros_like(f)
    g = (np.clip(f, 0, 1) * 255.0 + 0.5).astype(np.uint8)
    return np.ascontiguousarray(np.repeat(g[:, :, None], 3, axis=2))


def vfield_to_rgb8(v: np.ndarray) -> np.ndarray:
    """Direction as hue, magnitude as brightness (normalised to the 99th percentile)."""
    vy, vx = np.asarray(v[0], np.float32), np.asarray(v[1], np.float32)
    ang = (np.arctan2(vy, vx) / (2 * math.pi)) % 1.0
    mag = np.hypot(vx, vy)
    scale = float(np.percentile(mag, 99)) or 1.0
    val = np.clip(mag / scale, 0, 1)
    h6 = ang * 6.0
    i = np.floor(h6).astype(np.int32) % 6
    f = h6 - np.floor(h6)
    p = np.zeros_like(val)
    q = val * (1 - f)
    t = val * f
    r = np.choose(i, [val, q, p, p, t, val])
    g = np.choose(i, [t, val, val, q, p, p])
    b = np.choose(i, [p, p, t, val, val, q])
    return to_rgb8(np.stack([r, g, b], axis=-1))


def scalar_plot_rgb8(history, size: int = 256) -> np.ndarray:
    """A small oscilloscope of a scalar signal's recent values."""
    h, w = size // 2, size
    img = np.zeros((h, w, 3), np.uint8)
    img[:] = (22, 24, 30)
    img[h // 2, :] = (50, 54, 66)
    vals = np.asarray(history, np.float64)[-w:]
    if len(vals) >= 2:
        lo, hi = float(vals.min()), float(vals.max())
        span = hi - lo if hi > lo else 1.0
        ys = ((1 - (vals - lo) / span) * (h - 9) + 4).astype(int)
        xs = np.arange(w - len(vals), w)
        for k in range(len(xs) - 1):
            y0, y1 = sorted((ys[k], ys[k + 1]))
            img[y0:y1 + 1, xs[k]] = (79, 179, 255)
    return img


def rgb8_to_qimage(a: np.ndarray) -> QtGui.QImage:
    """A QImage of its own in Qt's native 32-bit RGB (converted here, on the worker: the
    raster painter draws it scaled ~3x faster than RGB888, which it would convert on the
    UI thread at every paint; 1024^2 ~9 -> 3 ms a frame)."""
    h, w = a.shape[:2]
    return QtGui.QImage(a.data, w, h, 3 * w, QtGui.QImage.Format_RGB888).convertToFormat(
        QtGui.QImage.Format_RGB32)


# -- the worker ----------------------------------------------------------------------

def _grid_text(info: dict) -> str:
    """The simulation grid in the preview's HUD: 512² (square) or 576×320 (rectangular)."""
    w, h = info.get("grid") or (info["size"], info["size"])
    return f"{w}²" if w == h else f"{w}×{h}"


class PreviewWorker(QtCore.QObject):
    """Runs a Runtime on a daemon thread; talks to the UI through a queue and signals."""

    frame_ready = QtCore.Signal()
    status = QtCore.Signal(str, bool)  # message, is_error
    recording_done = QtCore.Signal(str, str)  # path, error ("" when fine)

    def __init__(self, size: int = 512, backend: str = "numpy", parent=None):
        super().__init__(parent)
        self.size = int(size)
        #: output frame (width, height); None: square, the simulation size
        self.frame: tuple[int, int] | None = None
        self.backend = backend
        self._q: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._latest: tuple[QtGui.QImage, np.ndarray, dict] | None = None
        self._pending = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.frames_delivered = 0
        # worker-thread state
        self._graph: Graph | None = None
        self._rt: Runtime | None = None
        self._playing = True
        self._steps = 0
        self._probe: tuple[str, str] | None = None
        self._probe_error = ""  # why the probed node cannot run, or ""
        self._hist: deque = deque(maxlen=256)
        self._recorder = None
        self._fps = 0.0
        self._sim_ms = 0.0
        self._last_t = None
        self._error = ""
        self._pending_graph: Graph | None = None
        self._carry_from: Runtime | None = None  # the runtime a rebuild takes state from
        self._carried = False  # the runtime took state over and has not stepped since
        #: the newest beat state from the tempo bar (only the latest counts): applied to the
        #: runtime's clock before the next frame
        self._beat_state: dict | None = None
        #: the view's size in device pixels, from the UI (None: not shown yet)
        self._view_px: tuple[int, int] | None = None

    # ---- UI side ---------------------------------------------------------------
    def start(self, graph: Graph) -> None:
        self.post("graph", graph.copy())
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="cagraph-preview", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop the thread; returns True when it has ended."""
        self._stop.set()
        self._q.put(("wake",))
        if self._thread is not None:
            self._thread.join(timeout)
            alive = self._thread.is_alive()
            if not alive:
                self._thread = None
            return not alive
        return True

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def set_view_size(self, w: int, h: int) -> None:
        """Where frames are shown (device pixels): a frame at least twice that size is
        handed to the UI as its k x k block means (``shrink_rgb8``), so a paint scales a
        small image, not the full frame (at 1024 into a 450 px view, Qt's smooth scale
        of the whole frame was most of the UI thread's paint)."""
        self._view_px = (int(w), int(h))

    def display_image(self, rgb8: np.ndarray) -> QtGui.QImage:
        """The QImage the view paints for an 8-bit frame (see :meth:`set_view_size`)."""
        fh, fw = rgb8.shape[:2]
        view = self._view_px
        k = 1
        if view is not None and view[0] > 0 and view[1] > 0:
            # the largest block that keeps the image at least as large as it is drawn
            k = int(max(fw / view[0], fh / view[1]))
        if k < 2:
            return rgb8_to_qimage(rgb8)
        small = get_backend("numpy").k.shrink_rgb8(rgb8, k)
        h, w = small.shape
        return QtGui.QImage(small.data, w, h, 4 * w, QtGui.QImage.Format_RGB32).copy()

    def post(self, *msg) -> None:
        self._q.put(msg)

    def set_graph(self, graph: Graph) -> None:
        self.post("graph", graph.copy())

    def set_param(self, nid: str, name: str, value) -> None:
        self.post("param", nid, name, value)

    def play(self, on: bool = True):
        self.post("play", bool(on))

    def single_step(self):
        self.post("step")

    def reseed(self, seed: int):
        self.post("reseed", int(seed))

    def restart(self):
        self.post("restart")

    def set_size(self, size: int):
        self.post("size", int(size))

    def set_frame(self, frame: tuple[int, int] | None):
        """Preview the output at ``(width, height)`` (e.g. Krea's 576 x 320), or square."""
        self.post("frame", tuple(int(x) for x in frame) if frame else None)

    def set_probe(self, probe: tuple[str, str] | None):
        self.post("probe", probe)

    def set_tempo(self, bpm: float, beats_per_bar: int) -> None:
        """The graph's tempo changed (the tempo bar's BPM, tap, an undo)."""
        self.post("tempo", float(bpm), int(beats_per_bar))

    def sync_tempo(self, **state) -> None:
        """The tempo bar's clock (internal, Ableton Link or MIDI clock) in Scope's names
        (bpm, beat_phase, bar_position, beat_count, is_playing); only the newest is kept."""
        self._beat_state = dict(state)

    def record(self, recorder) -> None:
        self.post("record", recorder)

    def take_frame(self):
        """Newest (QImage, rgb8 array, info) or None; call from the UI thread."""
        with self._lock:
            self._pending = False
            return self._latest

    # ---- worker side -------------------------------------------------------------
    def _handle(self, msg) -> None:
        kind = msg[0]
        if kind == "graph":
            self._set_graph(msg[1])
        elif kind == "param":
            _, nid, name, value = msg
            g = self._graph
            if g is not None and nid in g.nodes:
                g.nodes[nid].params[name] = value
                if self._rt is not None:
                    self._rt.param_changed(nid)  # e.g. Gray-Scott's scaling: another grid
        elif kind == "play":
            self._playing = msg[1]
            self._last_t = None
        elif kind == "step":
            self._steps += 1
        elif kind == "reseed":
            if self._rt is not None:
                self._rt.reseed(msg[1])
                self._steps += 0 if self._playing else 1
        elif kind == "restart":
            self._carry_from = None  # a pending rebuild starts afresh too
            if self._rt is not None:
                self._rt.reset()
                self._hist.clear()
                self._steps += 0 if self._playing else 1
        elif kind == "size":
            if msg[1] != self.size:
                self.size = msg[1]
                self._rebuild()  # at the new size, the organism resampled onto it
        elif kind == "frame":
            if msg[1] != self.frame:
                self.frame = msg[1]
                self._rebuild()  # the output size is fixed per runtime; the organism stays
        elif kind == "probe":
            self._probe = msg[1]
            self._aim_probe()
            self._hist.clear()
            self._steps += 0 if self._playing else 1
        elif kind == "record":
            self._recorder = msg[1]
        elif kind == "tempo":
            if self._graph is not None:
                self._graph.tempo.bpm, self._graph.tempo.beats_per_bar = msg[1], msg[2]
            if self._rt is not None and self._rt.graph is not self._graph:
                self._rt.graph.tempo.bpm, self._rt.graph.tempo.beats_per_bar = msg[1], msg[2]
        elif kind == "call":  # fn(worker), run here in the worker thread (rescue.py)
            msg[1](self)

    def _rebuild(self) -> None:
        """A new runtime at the current size and frame that carries the running one's
        organism and clock over (nodes.state_carry); Restart starts afresh."""
        if self._rt is not None:
            self._carry_from = self._rt
        self._rt = None
        self._steps += 0 if self._playing else 1

    def _set_graph(self, g: Graph) -> None:
        before = (self._pending_graph or self._graph)
        self._graph = g
        self._pending_graph = None
        if self._rt is None:
            return
        if before is not None and self._follow_meta(before.meta, g.meta):
            return  # a new runtime is made for the next frame
        old = self._rt.graph
        self._rt.graph = g
        try:
            if not self._aim_probe():
                self._rt.compile()  # keeps the state of surviving nodes
            self._set_error("")
        except GraphError as exc:
            self._rt.graph = old  # keep showing the last valid graph
            self._graph = old
            self._pending_graph = g
            self._set_error(f"Graph not runnable (showing last valid): {exc.issues[0]}")

    def _follow_meta(self, old, new) -> bool:
        """Graph Settings (or their undo) reach the running preview: a new frame rate at
        once (the organism keeps its wall-clock speed), a new seed restarts the organism
        from it (the seed defines it), a new grid rebuilds the runtime on it (the organism
        resampled onto it, unless the seed changed too).  True when the runtime is to be
        rebuilt."""
        rt = self._rt
        reseed = int(new.seed) != int(old.seed)
        if list(new.grid or ()) != list(old.grid or ()):
            self._rebuild()
            if reseed:
                self._carry_from = None  # a fresh organism from the new seed
                self._hist.clear()
            return True
        try:
            if float(new.fps) != float(old.fps):
                rt.set_fps(new.fps)
            if reseed:
                rt.reseed(new.seed)
                self._hist.clear()
                self._steps += 0 if self._playing else 1
        except GraphError as exc:
            self._set_error(f"Preview: {exc.issues[0]}")
        return False

    def _aim_probe(self) -> bool:
        """Have the runtime also evaluate the probed node (only what the Output needs runs
        otherwise); a probe that cannot run (it misses an input) gets a message instead.
        Returns whether it recompiled."""
        rt = self._rt
        if rt is None:
            return False
        want = (self._probe[0],) if self._probe and self._probe[0] in rt.graph.nodes else ()
        self._probe_error = ""
        try:
            rt.set_targets(want)
        except GraphError as exc:
            first = exc.issues[0]
            self._probe_error = (f"cannot preview {want[0]}: {first.message}"
                                 if first.node_id == want[0] else
                                 f"cannot preview {want[0]}: {first}")
            rt.set_targets(())  # the Output alone (raises if the graph itself cannot run)
        return True

    def _set_error(self, text: str) -> None:
        if text != self._error:
            self._error = text
            try:
                self.status.emit(text, bool(text))
            except RuntimeError:  # the window is gone (closed while this thread ran)
                self._stop.set()

    def _ensure_runtime(self) -> bool:
        if self._rt is not None:
            return True
        g = self._pending_graph or self._graph
        if g is None:
            return False
        try:
            w, h = self.frame or (None, None)
            rt = Runtime(g, backend=self.backend, size=self.size, width=w, height=h,
                         preroll=START_PREROLL)
            old, self._carry_from = self._carry_from, None
            if old is not None:
                from nodes.state_carry import carry_over

                carry_over(old, rt)
                rt.set_fps(g.meta.fps)  # the graph's rate, should it have changed since
                self._carried = True
            self._rt = rt
            self._aim_probe()
            self._graph = g
            self._pending_graph = None
            self._set_error("")
            return True
        except GraphError as exc:
            self._set_error(f"Graph not runnable: {exc.issues[0]}")
            return False

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._iterate()
            except Exception as exc:  # noqa: BLE001 - never let the thread die silently
                self._set_error(f"Preview error: {type(exc).__name__}: {exc}")
                self._playing = False
                self._steps = 0

    def _iterate(self) -> None:
        # drain messages; block while paused (or broken) so an idle preview costs nothing
        block = not (self._playing or self._steps) or (
            self._rt is None and bool(self._error))
        try:
            msg = self._q.get(timeout=0.25) if block else self._q.get_nowait()
            self._handle(msg)
            while True:
                self._handle(self._q.get_nowait())
        except queue.Empty:
            pass
        if self._stop.is_set():
            return
        if self._rt is not None and self._rt.regrid_needed:
            self._rebuild()  # an edit changed the grid the graph simulates on (sim_grid)
        if not (self._playing or self._steps):
            return
        if self._rt is None and not self._ensure_runtime():
            self._steps = 0  # wait for the next graph
            return
        try:
            # the take's pre-roll (the seed growing into the organism) runs here, on the
            # worker: the UI keeps painting the previous frame meanwhile
            if not self._rt.roll(should_stop=self._stop.is_set):
                return
        except Exception as exc:  # noqa: BLE001 - a node failed: report, pause
            self._set_error(str(exc))
            self._playing = False
            self._steps = 0
            return
        beat, self._beat_state = self._beat_state, None
        if beat is not None:
            try:
                self._rt.sync_tempo(**beat)
            except GraphError:
                pass  # a source's odd value: the clock keeps running on its own
        t0 = time.perf_counter()
        try:
            try:
                self._rt.step()
            except Exception:
                if not self._carried:
                    raise
                # a node could not take the carried state: start it afresh instead
                self._carried = False
                self._rt.reset()
                self._rt.step()
            self._carried = False
        except Exception as exc:  # noqa: BLE001 - a node failed: report, pause
            self._set_error(str(exc))
            self._playing = False
            self._steps = 0
            return
        sim = time.perf_counter() - t0
        self._sim_ms = sim * 1000 if self._sim_ms == 0 else 0.9 * self._sim_ms + 100 * sim
        if self._steps:
            self._steps -= 1
        self._publish()
        # pace to the graph's fps (the sim may be slower: then run flat out)
        target = 1.0 / max(1.0, self._rt.fps) if self._rt is not None else 0.0
        last = self._last_t
        now = time.perf_counter()
        if last is not None and self._playing:
            wait = target - (now - last)
            if wait > 0:
                try:
                    self._handle(self._q.get(timeout=wait))
                except queue.Empty:
                    pass
                now = time.perf_counter()
            inst = 1.0 / max(now - last, 1e-6)
            self._fps = inst if self._fps == 0 else 0.85 * self._fps + 0.15 * inst
        self._last_t = now if self._playing else None

    def _render(self):
        rt = self._rt
        if self._probe is not None:
            nid, port = self._probe
            if self._probe_error:
                return None, self._probe_error
            val = rt.values.get((nid, port))
            kind = rt.kind_of(nid, port) if nid in rt.nodes else None
            if val is None or kind is None:
                return None, f"{nid}.{port}: no value"
            if kind is Kind.FIELD:
                return field_to_rgb8(rt.be.to_host(val)), f"{nid}.{port} · field"
            if kind is Kind.VFIELD:
                return vfield_to_rgb8(rt.be.to_host(val)), f"{nid}.{port} · flow"
            if kind is Kind.RGB:
                return to_rgb8(rt.be.to_host(val)), f"{nid}.{port} · rgb"
            if kind is Kind.SCALAR:
                self._hist.append(float(val))
                return scalar_plot_rgb8(self._hist), f"{nid}.{port} = {float(val):.4g}"
            return None, f"{nid}.{port}: a {kind.value} has no picture"
        # the output buffer itself (no copy of it: to_rgb8 makes the frame's own array,
        # before this thread steps the runtime again)
        rgb = rt.output_value()
        if rgb is None:
            return None, "no Output node"
        return to_rgb8(rt.be.to_host(rgb)), "output"

    def _shown_frame(self) -> tuple[int, int] | None:
        """The output frame when it is not the simulation grid: the frame chosen, or the
        grid asked for where the runtime simulates a finer one (nodes.sim_grid)."""
        rt = self._rt
        if self.frame is None and rt is not None and rt.lift > 1:
            return rt.width, rt.height
        return self.frame

    def _publish(self) -> None:
        rgb8, label = self._render()
        if rgb8 is not None and self._recorder is not None:
            rec = self._recorder
            rec.add(rgb8)
            if not rec.wants_more:
                self._recorder = None
                threading.Thread(target=self._finish_recording, args=(rec,), daemon=True).start()
        scalars = {k: float(v) for k, v in self._rt.values.items()
                   if isinstance(v, (float, int)) and not isinstance(v, bool)}
        info = {"frame": self._rt.shown - 1, "fps": self._fps, "sim_ms": self._sim_ms,
                "size": self._rt.size, "grid": self._rt.grid, "out_frame": self._shown_frame(),
                "label": label, "scalars": scalars,
                "recording": None if self._recorder is None else
                (self._recorder.received, self._recorder.frames)}
        img = self.display_image(rgb8) if rgb8 is not None else None
        with self._lock:
            self._latest = (img, rgb8, info)
            emit = not self._pending
            self._pending = True
        self.frames_delivered += 1
        if emit:
            self.frame_ready.emit()

    def _finish_recording(self, rec) -> None:
        rec.wait()
        self.recording_done.emit(rec.path, rec.error or "")


# -- the widget ----------------------------------------------------------------------

STATS_TIP = ("fps shown: frames painted here per second · made: frames the simulation made "
             "per second · sim: milliseconds each frame's simulation took")


def stats_forms(shown: float, made: float, sim_ms: float) -> tuple[str, ...]:
    """The preview's stats line, longest first (a narrow column shows a shorter form:
    LiveText.set_forms)."""
    return (f"{shown:.1f} fps shown · {made:.1f} made · sim {sim_ms:.1f} ms/frame",
            f"{shown:.1f} fps · made {made:.1f} · sim {sim_ms:.1f} ms",
            f"{shown:.1f} fps · {made:.1f} made · {sim_ms:.1f} ms",
            f"{shown:.0f}/{made:.0f} fps · {sim_ms:.0f} ms")


class PreviewView(QtWidgets.QWidget):
    """Paints the newest frame, letterboxed, with a small HUD."""

    #: the view's size in device pixels (the worker shrinks frames much larger than it)
    resized = QtCore.Signal(int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.image: QtGui.QImage | None = None
        self.hud = ""
        self.error = ""
        #: where the last paint drew the picture and the HUD's box (widget coordinates)
        self.image_rect = QtCore.QRect()
        self.hud_rect = QtCore.QRect()
        self.setMinimumSize(200, 200)
        self.setSizePolicy(QtWidgets.QSizePolicy.Expanding, QtWidgets.QSizePolicy.Expanding)
        # every paint fills the whole view first: Qt need not paint the panels behind it
        # (at each frame it repainted the preview dock, title bar and its style's icons)
        self.setAttribute(QtCore.Qt.WA_OpaquePaintEvent, True)

    def resizeEvent(self, ev):  # noqa: N802 - Qt API
        super().resizeEvent(ev)
        dpr = self.devicePixelRatioF()
        self.resized.emit(int(self.width() * dpr), int(self.height() * dpr))

    def paintEvent(self, _ev):  # noqa: N802 - Qt API
        p = QtGui.QPainter(self)
        p.fillRect(self.rect(), QtGui.QColor("#0d0e12"))
        target = self.rect()  # no picture: the HUD goes top-left of the view
        shown = self.image is not None and not self.image.isNull()
        if shown:
            iw, ih = self.image.width(), self.image.height()
            s = min(self.width() / iw, self.height() / ih)
            w, h = int(iw * s), int(ih * s)
            target = QtCore.QRect((self.width() - w) // 2, (self.height() - h) // 2, w, h)
            p.setRenderHint(QtGui.QPainter.SmoothPixmapTransform, s < 1.0)
            p.drawImage(target, self.image)
            if iw != ih:  # a Krea frame: outline it (its own bars are black too)
                p.setPen(QtGui.QColor(theme.BORDER))
                p.drawRect(target.adjusted(0, 0, -1, -1))
        f = p.font()
        f.setPointSizeF(9)
        p.setFont(f)
        self.image_rect = QtCore.QRect(target) if shown else QtCore.QRect()
        self.hud_rect = hud.paint(p, target, self.hud) if self.hud else QtCore.QRect()
        if self.error:
            r = QtCore.QRect(8, self.height() - 60, self.width() - 16, 52)
            p.fillRect(r, QtGui.QColor(60, 16, 22, 220))
            p.setPen(QtGui.QColor(theme.ERROR))
            p.drawText(r.adjusted(6, 4, -6, -4), QtCore.Qt.TextWordWrap, self.error)
        p.end()


class PreviewPanel(QtWidgets.QWidget):
    """Transport bar + view + capture controls around a PreviewWorker."""

    snapshot_requested = QtCore.Signal()
    record_requested = QtCore.Signal(float)
    probe_cleared = QtCore.Signal()

    #: output frames to preview: square, and Krea Realtime's two resolutions
    FRAMES = (("square", None), ("576×320", (576, 320)), ("832×480", (832, 480)))

    def __init__(self, worker: PreviewWorker, parent=None):
        super().__init__(parent)
        self.probe: tuple[str, str] | None = None  # the output port shown, or None
        self.worker = worker
        self.last_rgb8: np.ndarray | None = None
        self.last_info: dict = {}
        self.frames_shown = 0
        self.shown_rate = hud.ShownRate()
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        bar = QtWidgets.QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        bar.setSpacing(4)

        def btn(text, tip, checkable=False):
            b = QtWidgets.QToolButton()
            b.setText(text)
            b.setToolTip(tip)
            b.setCheckable(checkable)
            bar.addWidget(b)
            return b

        self.play_btn = btn("❚❚", "Play / pause (Space)", True)
        self.play_btn.setChecked(True)
        self.play_btn.toggled.connect(self._on_play)
        self.step_btn = btn("▶|", "Single step (.)")
        self.step_btn.clicked.connect(self.single_step)
        self.reseed_btn = btn("⟳ seed", "Reseed: restart from a new random seed")
        self.reseed_btn.clicked.connect(self.reseed)
        self.restart_btn = btn("↺ restart", "Restart from the graph's seed")
        self.restart_btn.clicked.connect(self.restart)
        bar.addSpacing(8)
        self.size_box = preview_sizes.SizeBox()  # filled by preview_sizes
        self.size_box.currentIndexChanged.connect(self._size_chosen)
        bar.addWidget(self.size_box)
        self.frame_box = QtWidgets.QComboBox()
        for label, frame in self.FRAMES:
            self.frame_box.addItem(label, frame)
        self.frame_box.setToolTip("Output frame: square, or Krea's resolution (what the Scope "
                                  "plugin sends Krea, placed by the Output node's fit)")
        self.frame_box.currentIndexChanged.connect(
            lambda i: self.worker.set_frame(self.frame_box.itemData(i)))
        bar.addWidget(self.frame_box)
        bar.addStretch(1)
        self.snap_btn = btn("◉ PNG", "Snapshot the preview to PNG")
        self.snap_btn.clicked.connect(self.snapshot_requested)
        self.rec_secs = QtWidgets.QDoubleSpinBox()
        self.rec_secs.setRange(0.5, 600)
        self.rec_secs.setValue(10)
        self.rec_secs.setSuffix(" s")
        self.rec_secs.setToolTip("Seconds to record")
        self.rec_secs.setFixedWidth(56)
        bar.addWidget(self.rec_secs)
        self.rec_btn = btn("● REC", "Record the preview to MP4")
        self.rec_btn.clicked.connect(lambda: self.record_requested.emit(self.rec_secs.value()))
        lay.addLayout(bar)
        self.view = PreviewView()
        self.view.resized.connect(worker.set_view_size)
        lay.addWidget(self.view, 1)
        foot = QtWidgets.QHBoxLayout()
        foot.setContentsMargins(6, 3, 6, 3)
        # set every frame: a LiveText, which repaints without laying the window out again
        self.fps_label = LiveText("—", template=stats_forms(999.9, 999.9, 9999.9)[0])
        self.fps_label.setObjectName("dim")
        self.fps_label.setToolTip(STATS_TIP)
        self.probe_label = QtWidgets.QLabel("")
        self.probe_label.setObjectName("mod")
        self.probe_clear = QtWidgets.QToolButton()
        self.probe_clear.setText("✕ show output")
        self.probe_clear.setVisible(False)
        self.probe_clear.clicked.connect(lambda: self.set_probe(None))
        foot.addWidget(self.fps_label)
        foot.addStretch(1)
        foot.addWidget(self.probe_label)
        foot.addWidget(self.probe_clear)
        # capture sits in the footer: one transport row fits a 1280-wide window's column
        for w in (self.snap_btn, self.rec_secs, self.rec_btn):
            bar.removeWidget(w)
            foot.addWidget(w)
        lay.addLayout(foot)
        worker.frame_ready.connect(self._on_frame)
        worker.status.connect(self._on_status)
        self._seed = 0
        self.meta = None  # the graph's metadata (set_graph_meta)
        self.graph = None  # the graph itself (set_graph_meta), for the grid it runs
        self._size = int(worker.size)
        self.set_size_choice(worker.size)

    @property
    def size_choice(self) -> int:
        """The preview's size: a square grid's side, a rectangular grid's shorter side."""
        return self._size

    def set_size_choice(self, size: int) -> None:
        """Check ``size`` in the size menu (an entry of its own when the list lacks it)."""
        self._size = int(size)
        preview_sizes.fill(self.size_box, self.meta, self._size, self.graph)

    def set_graph_meta(self, meta, graph=None) -> None:
        """The graph's size or grid: the size menu's entries describe what they run (with
        ``graph``, the finer grid a Gray-Scott or MNCA graph simulates), and the frame menu's first
        entry (the frame is the grid) is "square" only on a square grid."""
        self.meta = meta
        self.graph = graph
        preview_sizes.fill(self.size_box, meta, self._size, graph)
        grid = getattr(meta, "grid", None)
        self.frame_box.setItemText(0, "square" if not grid or grid[0] == grid[1]
                                   else f"grid's shape ({grid[0]}:{grid[1]})")

    def _size_chosen(self, i: int) -> None:
        size = self.size_box.itemData(i)
        if size is not None and int(size) != self._size:
            self._size = int(size)
            self.worker.set_size(self._size)

    # transport
    def _on_play(self, on: bool):
        self.play_btn.setText("❚❚" if on else "▶")
        self.worker.play(on)

    def toggle_play(self):
        self.play_btn.setChecked(not self.play_btn.isChecked())

    def single_step(self):
        if self.play_btn.isChecked():
            self.play_btn.setChecked(False)
        self.worker.single_step()

    def reseed(self):
        import random

        self._seed = random.randrange(1, 2**31)
        self.worker.reseed(self._seed)

    def restart(self):
        self.worker.restart()

    def set_probe(self, probe):
        self.probe = probe
        self.worker.set_probe(probe)
        self.probe_label.setText(f"previewing {probe[0]}.{probe[1]}" if probe else "")
        self.probe_clear.setVisible(probe is not None)

    def _on_status(self, text: str, is_error: bool):
        self.view.error = text
        self.view.update()

    def _on_frame(self):
        got = self.worker.take_frame()
        if got is None:
            return
        img, rgb8, info = got
        self.last_info = info
        # no picture (no Output node, a probe without a value): an empty view, so neither
        # the screen nor a snapshot shows a stale frame of something else
        self.view.image = img
        self.last_rgb8 = rgb8 if img is not None else None
        self.frames_shown += 1
        shown_fps = self.shown_rate.tick()
        rec = info.get("recording")
        rec_txt = f"   ● REC {rec[0]}/{rec[1]}" if rec else ""
        out = info.get("out_frame")
        self.view.hud = (f"{shown_fps:.1f} fps   frame {info['frame']}   "
                         + _grid_text(info) + (f" → {out[0]}×{out[1]}" if out else "")
                         + f"   {info['label']}{rec_txt}")
        self.fps_label.set_forms(*stats_forms(shown_fps, info["fps"], info["sim_ms"]))
        self.view.update()
