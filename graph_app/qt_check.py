"""Why Qt's X11 platform plugin could not start here, said before Qt aborts.

Qt 6.5+ loads its ``xcb`` platform plugin only when a set of X11 libraries is installed
(``libxcb-cursor0`` among them, which it opens at run time); without them it prints a
page of text and aborts the process, which no Python code can catch.  This module finds
the missing libraries first (the plugin's own links, as ``ldd`` reports them, plus the
ones Qt opens itself) and names the Debian/Ubuntu packages that bring them.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

#: libraries Qt's xcb plugin opens at run time rather than links
DLOPENED = ("libxcb-cursor.so.0",)


def package_for(soname: str) -> str:
    """``libxcb-icccm.so.4`` -> ``libxcb-icccm4``; ``libxkbcommon-x11.so.0`` ->
    ``libxkbcommon-x11-0`` (Debian names a library package after its soname)."""
    m = re.match(r"^(lib[\w.+-]+?)\.so\.(\d+)", soname)
    if not m:
        return soname
    base, ver = m.groups()
    return f"{base}-{ver}" if base[-1].isdigit() else f"{base}{ver}"


def _xcb_plugin() -> Path | None:
    try:
        import PySide6
    except ImportError:
        return None
    p = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return p if p.exists() else None


def _loadable(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
        return True
    except OSError:
        return False


def missing_xcb_libraries(plugin: Path | None = None, loadable=_loadable) -> list[str]:
    plugin = plugin or _xcb_plugin()
    missing: list[str] = []
    if plugin is not None and shutil.which("ldd"):
        try:
            out = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True,
                                 timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        for line in out.splitlines():
            if "not found" in line:
                name = line.split("=>")[0].strip()
                if name not in missing:
                    missing.append(name)
    missing += [lib for lib in DLOPENED if lib not in missing and not loadable(lib)]
    return missing


def will_use_xcb(environ=os.environ, platform: str = sys.platform) -> bool:
    if not platform.startswith("linux"):
        return False
    qpa = environ.get("QT_QPA_PLATFORM", "")
    if qpa:
        return qpa.split(":")[0] == "xcb"
    return bool(environ.get("DISPLAY")) and not environ.get("WAYLAND_DISPLAY")


def xcb_problem(environ=os.environ, platform: str = sys.platform, **kw) -> str | None:
    """One line for the user when the editor's window cannot open for missing libraries."""
    if not will_use_xcb(environ, platform):
        return None
    missing = missing_xcb_libraries(**kw)
    if not missing:
        return None
    pkgs = " ".join(dict.fromkeys(package_for(m) for m in missing))
    return (f"the editor's window needs X11 libraries that are not installed "
            f"({', '.join(missing)}); on Debian/Ubuntu: sudo apt-get install {pkgs}")
