"""Render frame N of every preset into one labelled contact sheet PNG.

    python benchmarks/contact_sheet.py --size 256 --frame 200 --out out/sheet.png [names...]

A thin caller of ``cagraph presets --out`` (nodes/gallery.py does the work).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph_app.cli import main as cagraph  # noqa: E402


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--out" not in argv:
        argv += ["--out", "out/sheet.png"]
    return cagraph(["presets", *argv])


if __name__ == "__main__":
    sys.exit(main())
