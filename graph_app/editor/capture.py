"""Capture: PNG snapshots and MP4 recordings of the preview (no Qt here)."""

from __future__ import annotations

import os
import queue
import threading
from pathlib import Path

import numpy as np


def save_png(rgb8: np.ndarray, path: str | os.PathLike) -> str:
    """Write an (H, W, 3) uint8 image as PNG (atomically: temp file then rename)."""
    from PIL import Image

    p = Path(path)
    tmp = p.with_name(f".{p.name}.tmp.png")
    try:
        Image.fromarray(np.ascontiguousarray(rgb8), "RGB").save(tmp)
        os.replace(tmp, p)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)  # no stray temporary file next to the target
        except OSError:
            pass
        raise OSError(exc.errno, f"cannot write {p}: {exc.strerror or exc}") from None
    return str(p)


def fit_into(rgb8: np.ndarray, h: int, w: int) -> np.ndarray:
    """``rgb8`` scaled to fit (h, w), centred on black (its shape kept): a recording whose
    preview changes size mid-take keeps the picture instead of cropping it."""
    from PIL import Image

    sh, sw = rgb8.shape[:2]
    scale = min(h / sh, w / sw)
    nh, nw = max(1, round(sh * scale)), max(1, round(sw * scale))
    img = np.asarray(Image.fromarray(np.ascontiguousarray(rgb8), "RGB").resize(
        (nw, nh), Image.BILINEAR))
    out = np.zeros((h, w, 3), np.uint8)
    y0, x0 = (h - nh) // 2, (w - nw) // 2
    out[y0:y0 + nh, x0:x0 + nw] = img
    return out


class Recorder:
    """Encodes frames to MP4 on its own thread, so neither the UI nor the
    simulation waits for the encoder.  Feed it exactly ``frames`` frames."""

    def __init__(self, path: str | os.PathLike, fps: float, seconds: float):
        self.path = str(path)
        self.fps = max(1, int(round(fps)))
        self.frames = max(1, int(round(seconds * self.fps)))
        self.received = 0
        self.written = 0
        self.error: str | None = None
        self._q: queue.Queue = queue.Queue(maxsize=64)
        self._thread = threading.Thread(target=self._run, name="cagraph-recorder", daemon=True)
        self._thread.start()

    @property
    def wants_more(self) -> bool:
        return self.received < self.frames and self.error is None

    def add(self, rgb8: np.ndarray) -> None:
        if not self.wants_more:
            return
        self.received += 1
        self._q.put(rgb8)
        if self.received >= self.frames:
            self._q.put(None)

    def cancel(self) -> None:
        if self.received < self.frames:
            self.frames = self.received
            self._q.put(None)

    def wait(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        import av

        container = None
        tmp = Path(self.path).with_name(f".{Path(self.path).name}.tmp.mp4")
        try:
            first = self._q.get()
            if first is None:
                return
            h, w = first.shape[:2]
            container = av.open(str(tmp), mode="w")
            codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
            stream = container.add_stream(codec, rate=self.fps)
            stream.width, stream.height = w - w % 2, h - h % 2
            stream.pix_fmt = "yuv420p"
            if codec == "libx264":
                stream.options = {"crf": "18", "preset": "veryfast"}
            frame = first
            while frame is not None:
                if frame.shape[:2] != (h, w):  # the preview's size or frame changed mid-take
                    frame = fit_into(frame, h, w)
                img = np.ascontiguousarray(frame[: stream.height, : stream.width])
                vf = av.VideoFrame.from_ndarray(img, format="rgb24")
                for pkt in stream.encode(vf):
                    container.mux(pkt)
                self.written += 1
                frame = self._q.get()
            for pkt in stream.encode():
                container.mux(pkt)
            container.close()
            container = None
            os.replace(tmp, self.path)
        except OSError as exc:  # reported to the UI, naming the file the user chose
            self.error = f"cannot write {self.path}: {exc.strerror or exc}"
        except Exception as exc:  # noqa: BLE001 - reported to the UI
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            if container is not None:
                try:
                    container.close()
                except Exception:  # noqa: BLE001
                    pass
            if tmp.exists():
                try:
                    tmp.unlink()
                except OSError:
                    pass
