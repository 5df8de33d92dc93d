"""Crash recovery: a periodic copy of unsaved work, offered back on the next start."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from nodes.fileformat import atomic_write_text


def recovery_dir() -> Path:
    d = os.environ.get("CAGRAPH_RECOVERY_DIR")
    if d:
        return Path(d)
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(Path.home(), ".local", "state")
    return Path(base) / "cagraph" / "recovery"


def recovery_path(doc_path: str | None) -> Path:
    key = os.path.abspath(doc_path) if doc_path else "untitled"
    h = hashlib.sha1(key.encode()).hexdigest()[:12]
    stem = Path(doc_path).stem if doc_path else "untitled"
    return recovery_dir() / f"{stem}-{h}.graph"


def write(doc_path: str | None, text: str) -> Path:
    p = recovery_path(doc_path)
    atomic_write_text(p, text)
    return p


def discard(doc_path: str | None) -> None:
    try:
        recovery_path(doc_path).unlink()
    except FileNotFoundError:
        pass


def set_aside(p: Path) -> Path:
    """Rename a recovery copy that cannot be restored, so it is not offered again but
    stays on disk for a person to look at."""
    bad = p.with_name(f"{p.stem}.unreadable-{int(time.time())}{p.suffix}.txt")
    try:
        os.replace(p, bad)
    except OSError:
        return p
    return bad


def pending(doc_path: str | None) -> Path | None:
    """A recovery copy newer than the file itself (i.e. work lost in a crash), or None."""
    p = recovery_path(doc_path)
    if not p.exists():
        return None
    if doc_path and os.path.exists(doc_path) and os.path.getmtime(doc_path) > p.stat().st_mtime:
        return None
    return p


def age_text(p: Path) -> str:
    s = max(0, time.time() - p.stat().st_mtime)
    return f"{int(s)} s" if s < 120 else f"{int(s / 60)} min"
