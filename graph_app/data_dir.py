"""The per-user data folder cagraph writes to (no Qt needed).

It is the folder Qt names ``AppDataLocation`` for the editor (organisation and
application "cagraph"): ``~/.local/share/cagraph/cagraph`` on Linux (or under
``$XDG_DATA_HOME``), ``~/Library/Application Support/cagraph/cagraph`` on macOS,
``%APPDATA%\\cagraph\\cagraph`` on Windows.  The editor's *Launch on Scope* and
``cagraph scope launch`` export plugins into its ``scope-plugins`` folder, never into
the current folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ORG = APP = "cagraph"


def user_data_dir() -> Path:
    home = Path.home()
    if sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    elif os.name == "nt":
        base = Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming")
    else:
        xdg = os.environ.get("XDG_DATA_HOME")
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"
    return base / ORG / APP


def scope_plugins_dir() -> Path:
    """Where exported Scope plugins go when the user names no folder."""
    return user_data_dir() / "scope-plugins"
