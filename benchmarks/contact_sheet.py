"""Render frame N of every preset into one labelled contact sheet PNG.

    python benchmarks/contact_sheet.py --size 256 --frame 200 --out out/sheet.png [graphs...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nodes  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("graphs", nargs="*")
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--frame", type=int, default=200)
    ap.add_argument("--cols", type=int, default=6)
    ap.add_argument("--backend", default="numpy")
    ap.add_argument("--out", default="out/sheet.png")
    a = ap.parse_args(argv)
    paths = [Path(p) for p in a.graphs] or sorted((ROOT / "graphs").glob("*.graph"))
    tiles = []
    for p in paths:
        rt = nodes.Runtime(nodes.load(p), backend=a.backend, size=a.size)
        for _ in range(a.frame + 1):
            rt.step()
        img = Image.fromarray((np.clip(rt.output_host(), 0, 1) * 255).astype(np.uint8))
        ImageDraw.Draw(img).text((4, 4), p.stem, fill=(255, 255, 255))
        tiles.append(img)
        print(p.stem, flush=True)
    cols = min(a.cols, len(tiles))
    rows = (len(tiles) + cols - 1) // cols
    sheet = Image.new("RGB", (cols * a.size, rows * a.size))
    for i, t in enumerate(tiles):
        sheet.paste(t, ((i % cols) * a.size, (i // cols) * a.size))
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    sheet.save(a.out)
    print(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
