"""Where ``cagraph render`` writes its frames.

Everything that can be wrong with ``--out`` is found before the first frame is
simulated (:func:`plan`): a name cagraph does not write, a video path that is a
folder, a folder path that is a file, a folder nobody may write.  A take never
replaces an earlier one silently: without ``--overwrite`` it goes beside it
under the next free name, and says so.

Every file appears whole or not at all: a PNG is written under a temporary name
and renamed, a video is encoded into a temporary file that is renamed when it is
closed, so Ctrl-C leaves the frames written so far (a playable video of them)
and never a truncated file.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

VIDEO_SUFFIXES = (".mp4", ".mov", ".mkv")
STILL_SUFFIXES = (".png", ".jpg", ".jpeg")
#: names that look like a file cagraph does not write (not a folder for PNGs)
NOT_WRITTEN = frozenset({".gif", ".webp", ".webm", ".avi", ".tif", ".tiff", ".exr", ".m4v",
                         ".mpg", ".mpeg", ".txt", ".json", ".graph", ".md"})
FRAME_GLOB = "frame_[0-9][0-9][0-9][0-9][0-9].png"


class OutputError(Exception):
    """``--out`` cannot be written: one line for the user."""


@dataclass
class Target:
    kind: str  # "video" | "still" | "frames"
    path: Path  # where the take goes (maybe beside what the user named)
    asked: Path  # what the user named
    replaces: bool = False  # --overwrite of an earlier take

    @property
    def note(self) -> str | None:
        if self.path != self.asked:
            held = ("already holds the frames of an earlier take" if self.kind == "frames"
                    else "already exists")
            return (f"{self.asked} {held}: writing this take to {self.path} (--overwrite "
                    "replaces it instead)")
        if self.replaces:
            return f"replacing the earlier take in {self.path}"
        return None


def kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in VIDEO_SUFFIXES:
        return "video"
    if suffix in STILL_SUFFIXES:
        return "still"
    if suffix in NOT_WRITTEN:
        raise OutputError(f"--out {path}: cagraph writes {'/'.join(VIDEO_SUFFIXES)} video "
                          f"(H.264), one still ({'/'.join(STILL_SUFFIXES)}, with --frames 1) "
                          "or a folder of PNG frames")
    return "frames"


def plan(text: str, *, overwrite: bool = False) -> Target:
    """Check ``--out`` and choose where the take goes; raises :class:`OutputError`."""
    if not text or not text.strip():
        raise OutputError("--out is empty: give an .mp4 path, a .png for one still, or a "
                          "folder for PNG frames")
    asked = Path(text)
    kind = kind_of(asked)
    if kind == "frames":
        if asked.exists() and not asked.is_dir():
            raise OutputError(f"--out {asked} is an existing file, not a folder: give an .mp4 "
                              "path, a .png for one still, or a folder for PNG frames")
        taken = asked.is_dir() and any(asked.glob(FRAME_GLOB))
    else:
        if asked.is_dir():
            raise OutputError(f"--out {asked} is a folder: give a file name inside it, e.g. "
                              f"{asked / ('render' + (asked.suffix or '.mp4'))}")
        taken = asked.exists()
    path = asked
    if taken and not overwrite:
        path = _beside(asked, kind)
    _check_writable(path.parent if kind != "frames" else path)
    return Target(kind, path, asked, replaces=taken and overwrite)


def _beside(path: Path, kind: str) -> Path:
    for i in range(2, 10_000):
        cand = path.with_name(f"{path.stem}-{i}{path.suffix}")
        if kind == "frames":
            if not cand.exists() or (cand.is_dir() and not any(cand.glob(FRAME_GLOB))):
                return cand
        elif not cand.exists():
            return cand
    raise OutputError(f"--out {path}: 10,000 earlier takes beside it; give another name")


def _check_writable(folder: Path) -> None:
    """Create ``folder`` if needed and prove a file can be made in it (an access check
    alone misses read-only mounts and says yes to root)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".cagraph-probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"cannot write to {folder}: {exc.strerror or exc}") from None


def _atomic_image(path: Path, frame_u8) -> None:
    from PIL import Image

    tmp = path.with_name(f".{path.name}.part")
    try:
        Image.fromarray(frame_u8).save(tmp, format="PNG" if path.suffix.lower() == ".png"
                                       else "JPEG", **({"quality": 95}
                                                       if path.suffix.lower() != ".png" else {}))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def _sigint_deferred():
    """Hold SIGINT for the block and raise KeyboardInterrupt after it (main thread only;
    elsewhere signals cannot arrive anyway)."""
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is signal.SIG_IGN):  # e.g. a background job
        yield
        return
    caught = []
    old = signal.signal(signal.SIGINT, lambda *_: caught.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
    if caught:
        raise KeyboardInterrupt


class FrameSink:
    """Writes a take to a :class:`Target`: ``write(frame)`` per frame, then ``close()``
    (also after an interruption: what was written is kept, whole)."""

    def __init__(self, target: Target, width: int, height: int, fps: float, *, crf: int = 18,
                 first: int = 0):
        # a folder's files are numbered by the take's frame: ``first`` is the first one
        # written (``--start N``: frame N is frame_N.png), so a take's files keep their
        # numbers whatever part of it was rendered
        self.target, self.count, self.first = target, 0, int(first)
        self._written: set[Path] = set()
        self.video = VideoWriter(target.path, width, height, fps, crf=crf) \
            if target.kind == "video" else None
        if target.kind == "frames" and target.replaces:
            self._stale = sorted(target.path.glob(FRAME_GLOB))
        else:
            self._stale = []

    def write(self, frame_u8) -> None:
        # a Ctrl-C that lands while a frame is being encoded waits until the frame is in
        # and counted, so "kept N frames" is what the file holds
        with _sigint_deferred():
            if self.video is not None:
                self.video.write(frame_u8)
            elif self.target.kind == "still":
                _atomic_image(self.target.path, frame_u8)
            else:
                path = self.frame_path(self.first + self.count)
                _atomic_image(path, frame_u8)
                self._written.add(path)
            self.count += 1

    def frame_path(self, frame: int) -> Path:
        """The file of the take's frame ``frame`` in a folder take."""
        return self.target.path / f"frame_{frame:05d}.png"

    def close(self) -> None:
        if self.video is not None:
            self.video.close(keep=self.count > 0)
        # an --overwrite of an earlier take: its frames this one did not write go
        for p in self._stale:
            if p in self._written:
                continue
            with contextlib.suppress(OSError):
                p.unlink()


class VideoWriter:
    """H.264 (libx264, yuv420p) tagged BT.709 (primaries, transfer, matrix, limited range)
    and converted with that matrix, so players agree on the colours."""

    def __init__(self, path: Path, width: int, height: int, fps: float, crf: int = 18):
        import av

        if width % 2 or height % 2:
            raise OutputError(f"H.264 needs even width and height, got {width}x{height}")
        self.path = path
        self.tmp = path.with_name(f".{path.stem}.part{path.suffix}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.container = av.open(str(self.tmp), mode="w")
        except (OSError, av.error.FFmpegError) as exc:
            raise OutputError(f"cannot write {path}: {getattr(exc, 'strerror', None) or exc}") \
                from None
        self.stream = self.container.add_stream("libx264",
                                                rate=Fraction(fps).limit_denominator(1001))
        self.stream.width, self.stream.height = width, height
        self.stream.pix_fmt = "yuv420p"
        self.stream.options = {"crf": str(crf), "preset": "medium"}
        cc = self.stream.codec_context
        # ISO/IEC 23091-4 code points: 1 = BT.709 for all three; range 1 = limited (MPEG)
        cc.color_primaries = cc.color_trc = cc.colorspace = 1
        cc.color_range = 1

    def write(self, frame_u8) -> None:
        import av
        from av.video.reformatter import ColorRange, Colorspace

        vf = av.VideoFrame.from_ndarray(frame_u8, format="rgb24").reformat(
            format="yuv420p", dst_colorspace=Colorspace.ITU709, dst_color_range=ColorRange.MPEG)
        with self._named():
            for pkt in self.stream.encode(vf):
                self.container.mux(pkt)

    def close(self, keep: bool = True) -> None:
        try:
            with self._named():
                if keep:
                    for pkt in self.stream.encode():
                        self.container.mux(pkt)
                self.container.close()
            if keep:
                os.replace(self.tmp, self.path)
        finally:
            if not keep or self.tmp.exists():
                with contextlib.suppress(OSError):
                    self.tmp.unlink()

    @contextlib.contextmanager
    def _named(self):
        """FFmpeg opens the file at the first frame: its errors name the path here."""
        import av

        try:
            yield
        except (OSError, av.error.FFmpegError) as exc:
            raise OutputError(f"cannot write {self.path}: "
                              f"{getattr(exc, 'strerror', None) or exc}") from None
