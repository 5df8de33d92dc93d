"""The bundled graphs as a gallery: listing them and rendering contact sheets.

``bundled()`` lists the graphs shipped in ``graphs/`` (name, description,
engine); ``render_tile`` renders one graph's frame N at a size;
``contact_sheet`` lays labelled tiles out in one image. Qt-free: the CLI
(``cagraph presets``, ``cagraph explore``), the benchmark script and the
editor's gallery all call these.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

GRAPHS_DIR = Path(__file__).resolve().parent.parent / "graphs"
ENGINE_TYPES = {"engine.lenia": "lenia", "engine.smoothlife": "smoothlife",
                "engine.mnca": "mnca", "engine.grayscott": "grayscott"}


@dataclass(frozen=True)
class Entry:
    name: str
    description: str
    engine: str
    path: Path


def graphs_dir() -> Path:
    if GRAPHS_DIR.is_dir():
        return GRAPHS_DIR
    from importlib import resources  # installed without the repo: the bundled copy

    return Path(str(resources.files("graph_app") / "graphs"))


def engine_of(graph) -> str:
    """The engine families a graph runs, e.g. 'lenia' or 'mnca+grayscott' ('-' if none)."""
    found = sorted({ENGINE_TYPES[n.type] for n in graph.nodes.values()
                    if n.type in ENGINE_TYPES})
    return "+".join(found) or "-"


def find(name: str, folder: Path | None = None) -> Path | None:
    """The bundled graph a bare name stands for (``reef`` or ``reef.graph``), or None."""
    if not name or "/" in name or "\\" in name:
        return None
    stem = name[:-6] if name.endswith(".graph") else name
    p = (folder or graphs_dir()) / f"{stem}.graph"
    return p if p.is_file() else None


def bundled(folder: Path | None = None) -> list[Entry]:
    """Every bundled ``.graph``, sorted by name."""
    from .fileformat import load

    out = []
    for p in sorted((folder or graphs_dir()).glob("*.graph")):
        g = load(p)
        out.append(Entry(p.stem, g.meta.description, engine_of(g), p))
    return out


def render_tile(graph, *, size: int, frame: int, backend: str = "numpy",
                source: str | None = None) -> np.ndarray:
    """Frame ``frame`` (0-based) of ``graph`` at ``size`` x ``size`` as uint8 RGB."""
    from .evaluator import Runtime

    rt = Runtime(graph, backend=backend, size=size, width=size, height=size, source=source)
    for _ in range(frame + 1):
        rt.step()
    return (np.clip(rt.output_host(), 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def contact_sheet(tiles: Iterable[tuple[str, np.ndarray]], *, cols: int = 6,
                  tile: int | None = None):
    """A PIL image: the tiles in rows of ``cols``, each labelled top-left.

    ``tile`` rescales each tile to that many pixels (a small sheet of large renders).
    """
    from PIL import Image, ImageDraw

    imgs = []
    for label, rgb in tiles:
        im = Image.fromarray(rgb)
        if tile and im.size != (tile, tile):
            im = im.resize((tile, tile), Image.LANCZOS)
        d = ImageDraw.Draw(im)
        d.text((5, 5), label, fill=(0, 0, 0))
        d.text((4, 4), label, fill=(255, 255, 255))
        imgs.append(im)
    if not imgs:
        raise ValueError("no tiles for a contact sheet")
    w, h = imgs[0].size
    cols = max(1, min(cols, len(imgs)))
    rows = (len(imgs) + cols - 1) // cols
    sheet = Image.new("RGB", (cols * w, rows * h))
    for i, im in enumerate(imgs):
        sheet.paste(im, ((i % cols) * w, (i // cols) * h))
    return sheet


def save_sheet(sheet, path: Path) -> Path:
    """Write a sheet: PNG (palette-quantised when large, to stay small) or JPEG by suffix."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    if path.suffix.lower() in (".jpg", ".jpeg"):
        sheet.save(tmp, format="JPEG", quality=88)
    else:
        img = sheet
        if sheet.size[0] * sheet.size[1] > 1_000_000:
            img = sheet.quantize(colors=256, method=2, dither=0)
        img.save(tmp, format="PNG", optimize=True)
    tmp.replace(path)
    return path


def sheet_of_graphs(items: Iterable[tuple[str, object]], *, size: int, frame: int,
                    backend: str = "numpy", cols: int = 6, tile: int | None = None,
                    progress: Callable[[str], None] | None = None):
    """Render each (label, graph) and lay them out (see :func:`contact_sheet`)."""
    tiles = []
    for label, g in items:
        tiles.append((label, render_tile(g, size=size, frame=frame, backend=backend)))
        if progress:
            progress(label)
    return contact_sheet(tiles, cols=cols, tile=tile)
