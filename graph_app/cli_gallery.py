"""``cagraph presets`` (the bundled graphs, a contact sheet) and ``cagraph explore``."""

from __future__ import annotations

import sys
from pathlib import Path


def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def cmd_presets(args) -> int:
    from graph_app.cli import CLIError
    from nodes import gallery

    entries = gallery.bundled()
    if args.names:
        known = {e.name: e for e in entries}
        missing = [n for n in args.names if n not in known]
        if missing:
            raise CLIError(f"no bundled graph named {', '.join(missing)} (see `cagraph presets`)")
        entries = [known[n] for n in args.names]
    out = None
    if args.out is not None:
        _check_sheet_path(args.out)
        out = _sheet_target(Path(args.out), args.overwrite)
    width = max((len(e.name) for e in entries), default=4)
    for e in entries:
        print(f"{e.name:<{width}}  {e.engine:<10}  {e.description}")
    if args.out:
        from nodes import load

        items = [(e.name, load(e.path)) for e in entries]
        n = len(items)
        done = []

        def progress(label):
            done.append(label)
            _err(f"[{len(done)}/{n}] {label}")

        sheet = gallery.sheet_of_graphs(items, size=args.size, frame=args.frame,
                                        backend=args.backend, cols=args.cols, tile=args.tile,
                                        progress=progress)
        _err(f"wrote {len(items)} graphs' frame {args.frame} at {args.size} px to:")
        print(gallery.save_sheet(sheet, out))
    return 0


def _sheet_target(out: Path, overwrite: bool) -> Path:
    """Where the sheet goes: ``--out``, or beside an earlier file of that name
    (``sheet-2.png``, saying so) unless ``--overwrite``, as a render's take does."""
    if not out.exists() or overwrite:
        return out
    for i in range(2, 10_000):
        cand = out.with_name(f"{out.stem}-{i}{out.suffix}")
        if not cand.exists():
            _err(f"{out} already exists: writing this sheet to {cand} (--overwrite replaces "
                 "it instead)")
            return cand
    raise AssertionError("unreachable")  # pragma: no cover


SHEET_SUFFIXES = (".png", ".jpg", ".jpeg")


def _check_sheet_path(text: str) -> None:
    """``presets --out``: a .png/.jpg file, checked before anything is rendered."""
    from graph_app.cli import CLIError

    out = Path(text)
    if not text.strip():
        raise CLIError("--out is empty: give a .png or .jpg path for the contact sheet")
    if out.suffix.lower() not in SHEET_SUFFIXES:
        raise CLIError(f"--out {text}: the contact sheet is written as .png or .jpg (give a "
                       "name ending in one of those)")
    if out.is_dir():
        raise CLIError(f"--out {text} is a folder: give a file name inside it, e.g. "
                       f"{out / 'sheet.png'}")


def _check_variants_folder(text: str) -> Path:
    """``explore --out``: a folder (made if missing), never a file or a file-like name."""
    from graph_app import render_out
    from graph_app.cli import CLIError

    out = Path(text)
    if not text.strip():
        raise CLIError("--out is empty: give a folder for the variants and sheet.png")
    if out.exists() and not out.is_dir():
        raise CLIError(f"--out {text} is an existing file: explore writes a folder of .graph "
                       "files and sheet.png; give a folder")
    suffix = out.suffix.lower()
    if not out.exists() and suffix in (*render_out.STILL_SUFFIXES, *render_out.VIDEO_SUFFIXES,
                                       *render_out.NOT_WRITTEN):
        raise CLIError(f"--out {text} names a {suffix} file: explore writes a folder of "
                       "variants (.graph files and sheet.png); give a folder name, e.g. "
                       f"{out.with_suffix('')}")
    return out


def _variants_in(folder: Path) -> list[Path]:
    """The variants an earlier ``explore`` left in ``folder`` (``NAME_v00.graph``, ...), of
    any graph."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*_v*.graph")
                  if p.stem.rpartition("_v")[2].isdigit())


def _held(folder: Path, sheet: bool) -> str:
    """What in ``folder`` this run would mix with or write over ('' for nothing): an
    earlier run's variants, or a sheet.png where this run writes one."""
    found = _variants_in(folder)
    if found:
        names = sorted({p.stem.rpartition("_v")[0] for p in found})
        return f"{len(found)} variants of an earlier run ({', '.join(names)})"
    if sheet and (folder / "sheet.png").exists():
        return "a sheet.png"
    return ""


def _variants_target(out: Path, overwrite: bool, sheet: bool) -> tuple[Path, list[Path]]:
    """Where this run's variants go and the files of the folder it replaces.  Like a
    render's take, a run never mixes with an earlier one nor writes over a sheet.png:
    without ``--overwrite`` it goes to the first ``DIR-2``, ``DIR-3``, ... free of both
    (saying so); with it the earlier run's variants and its sheet go, so the folder holds
    only this run's.  Other files in the folder are never touched."""
    held = _held(out, sheet)
    if not held:
        return out, []
    if overwrite:
        gone = _variants_in(out)
        if (out / "sheet.png").exists() and (gone or sheet):
            gone.append(out / "sheet.png")
        _err(f"replacing {held} in {out}")
        return out, gone
    for i in range(2, 10_000):
        cand = out.with_name(f"{out.name}-{i}")
        if not (cand.exists() and not cand.is_dir()) and not _held(cand, sheet):
            _err(f"{out} already holds {held}: writing these to {cand} (--overwrite "
                 "replaces them instead)")
            return cand, []
    raise AssertionError("unreachable")  # pragma: no cover


def cmd_explore(args) -> int:
    from graph_app.cli import CLIError
    from nodes import explore, gallery, load, save

    src = Path(args.graph)
    graph = load(src)
    if not graph.published:
        raise CLIError(f"{src}: the graph publishes no parameters, so there is nothing to vary")
    if not 0.0 <= args.amount <= 1.0:
        raise CLIError(f"--amount {args.amount:g}: give a number from 0 to 1")
    out, replaced = _variants_target(_check_variants_folder(args.out), args.overwrite,
                                     args.sheet)
    out.mkdir(parents=True, exist_ok=True)
    for p in replaced:  # --overwrite: the earlier run's variants and sheet go
        p.unlink(missing_ok=True)
    variants = explore.variations(graph, args.n, amount=args.amount, seed=args.seed)
    base = explore.published_values(graph)
    for i, v in enumerate(variants):
        path = out / f"{src.stem}_v{i:02d}.graph"
        save(v, path)
        changed = {k: val for k, val in explore.published_values(v).items() if val != base[k]}
        print(f"{path}  ({len(changed)} changed)")
    if args.sheet:
        items = [(f"v{i:02d}", v) for i, v in enumerate(variants)]
        sheet = gallery.sheet_of_graphs(items, size=args.size, frame=args.frame,
                                        backend=args.backend, cols=args.cols,
                                        progress=lambda label: _err(f"rendered {label}"))
        print(gallery.save_sheet(sheet, out / "sheet.png"))
    return 0


def add_subcommands(sub) -> None:
    from graph_app.cli import graph_arg

    from graph_app.cli import _count

    def sheet_opts(p, size, frame):
        p.add_argument("--size", type=_count(16), default=size,
                       help=f"render size of a tile (default {size})")
        p.add_argument("--frame", type=_count(0), default=frame,
                       help=f"which frame of the simulation to show (default {frame})")
        p.add_argument("--cols", type=_count(1), default=6, help="tiles a row (default 6)")
        p.add_argument("--backend", default="numpy", choices=("auto", "numpy", "cupy"),
                       help="numpy (the CPU, default), cupy, or auto (CuPy where it runs)")

    p = sub.add_parser("presets", help="list the bundled graphs; --out writes a contact sheet")
    p.add_argument("names", nargs="*", help="only these bundled graphs")
    p.add_argument("--out", help="contact sheet path (.png or .jpg)")
    p.add_argument("--tile", type=_count(16), help="scale each tile to this many pixels")
    p.add_argument("--overwrite", action="store_true",
                   help="replace an existing --out file instead of writing beside it")
    sheet_opts(p, 256, 200)
    p.set_defaults(fn=cmd_presets)

    p = sub.add_parser("explore", help="seeded variations of a graph's published parameters")
    p.add_argument("graph", type=graph_arg, help="a .graph file or a bundled graph's name")
    p.add_argument("--n", type=_count(1), default=16, help="how many variants")
    p.add_argument("--out", required=True, help="folder for the variants and sheet.png")
    p.add_argument("--amount", type=float, default=0.3, help="0 = none, 1 = anywhere")
    p.add_argument("--seed", type=_count(0), default=0)
    p.add_argument("--no-sheet", dest="sheet", action="store_false",
                   help="write only the .graph files")
    p.add_argument("--overwrite", action="store_true",
                   help="replace an earlier run's variants and sheet in --out instead of "
                        "writing beside them (DIR-2)")
    sheet_opts(p, 128, 60)
    p.set_defaults(fn=cmd_explore)
