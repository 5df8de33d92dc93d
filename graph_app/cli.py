"""The ``cagraph`` command line: render, bench, validate, info, edit, export, scope, lora."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path

DEFAULT_GRAPH = Path(__file__).resolve().parent.parent / "graphs" / "amoeba.graph"


class CLIError(Exception):
    """A user-facing error: printed as one line, exit code 2."""


def _default_graph() -> Path:
    from importlib import resources

    if DEFAULT_GRAPH.exists():
        return DEFAULT_GRAPH
    try:  # installed without the repo: the bundled copy
        return Path(str(resources.files("graph_app") / "graphs" / "amoeba.graph"))
    except Exception:  # pragma: no cover
        return DEFAULT_GRAPH


def graph_arg(text: str) -> str:
    """A graph argument: a file as given, else a bundled graph's name (``cagraph render
    reef`` from any folder: ``cagraph presets`` lists them); a file that exists wins."""
    if Path(text).exists():
        return text
    from nodes import gallery

    found = gallery.find(text)
    return str(found) if found is not None else text


def _bundled_hint(issue) -> str:
    """For a graph that could not be read under a bare name: where the names come from."""
    from nodes.errors import Code

    f = issue.file or ""
    if issue.code is Code.IO and f and "/" not in f and not Path(f).exists():
        return " (nor is it a bundled graph: `cagraph presets` lists them)"
    return ""


def _console():
    from rich.console import Console

    # piped or redirected: whole lines (no wrapping at 80 columns mid-phrase); a terminal
    # wraps at its own width
    return Console(stderr=True, highlight=False, soft_wrap=not sys.stderr.isatty())


def _e(text) -> str:
    """User text (file names, graph names, labels) printed as is, never read as markup."""
    from rich.markup import escape

    return escape(str(text))


def _parse_size(args) -> tuple[int | None, int | None, int | None]:
    size = args.size
    width, height = getattr(args, "width", None), getattr(args, "height", None)
    if (width is None) != (height is None):
        raise CLIError("give both --width and --height (or neither)")
    if size is not None and size % 16:
        lo = max(16, size // 16 * 16)
        raise CLIError(f"--size {size}: the simulation grid must be a multiple of 16 "
                       f"(e.g. {lo} or {lo + 16})")
    for flag, v in (("--width", width), ("--height", height)):
        if v is not None and v > 8192:
            raise CLIError(f"{flag} {v}: at most 8192")
    if size is not None and getattr(args, "grid", None) is not None:
        raise CLIError("give --size (a square grid) or --grid WxH (a rectangular one), not both")
    return size, width, height


def _parse_grid(text: str | None, frame=(None, None)) -> tuple[int, int] | None:
    """``--grid WxH``: the simulation grid, width x height, each a multiple of 16;
    ``--grid frame``: the output frame's own size (``--width``/``--height``)."""
    if text is None:
        return None
    if text.strip().lower() == "frame":
        if frame[0] is None:
            raise CLIError("--grid frame simulates on the output frame: give --width and "
                           "--height too")
        text = f"{frame[0]}x{frame[1]}"
    parts = text.lower().replace(" ", "").split("x")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise CLIError(f"--grid {text}: expected WIDTHxHEIGHT, e.g. 576x320")
    w, h = int(parts[0]), int(parts[1])
    for name, v in (("width", w), ("height", h)):
        if v % 16 or not 16 <= v <= 8192:
            lo = max(16, v // 16 * 16)
            raise CLIError(f"--grid {text}: the grid's {name} {v} must be a multiple of 16 "
                           f"between 16 and 8192 (e.g. {lo} or {lo + 16})")
    return w, h


def _parse_sets(items: list[str]) -> list[tuple[str, str]]:
    out = []
    for item in items or []:
        if "=" not in item:
            raise CLIError(f"--set expects name=value, got {item!r}")
        k, v = item.split("=", 1)
        out.append((k.strip(), v.strip()))
    return out


def _runtime(args, graph_path: Path, *, size=None, width=None, height=None, preroll=False):
    import nodes
    from scope_export.scope_client import parse_value  # NAME=VALUE read as `scope set` does

    graph = nodes.load(graph_path)
    grid = _parse_grid(getattr(args, "grid", None), (width, height))
    if size is None and width is not None and grid is None and not graph.meta.grid:
        # a square graph rendered into a given frame simulates at the frame's longer side
        size = ((max(width, height) + 15) // 16) * 16
    if getattr(args, "bpm", None) is not None:  # the take's tempo; the file keeps its own
        graph.tempo.bpm = args.bpm
    rt = nodes.Runtime(graph, backend=args.backend, size=size, width=width, height=height,
                       seed=getattr(args, "seed", None), source=str(graph_path),
                       preroll=nodes.START_PREROLL if preroll else 0, grid=grid)
    for name, text in _parse_sets(getattr(args, "set", None)):
        value = parse_value(text)
        got = rt.set_published(name, value)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and got != value:
            _console().print(f"[yellow]warning:[/] --set {_e(name)}={_e(text)} is outside the published "
                             f"range; using {got:g}")
    return rt


def _morph_pair(args, rt, graph_path: Path):
    """``--morph A:B`` as (A, B), checked against the graph's snapshots; the take starts
    (warm-up and --start included) on A."""
    text = getattr(args, "morph", None)
    if text is None:
        return None
    parts = [x.strip() for x in text.split(":")]
    if len(parts) != 2 or not all(parts):
        raise CLIError(f"--morph expects A:B (two snapshot names), got {text!r}")
    a, b = parts
    names = [s.name for s in rt.graph.snapshots]
    for n in (a, b):
        if n not in names:
            have = ", ".join(repr(x) for x in names) or "none"
            raise CLIError(f"{graph_path}: --morph: no snapshot named {n!r} (the graph has "
                           f"{have})")
    if a == b:
        _console().print(f"[yellow]warning:[/] --morph {_e(text)}: A and B are the same "
                         "snapshot, so the take holds it throughout")
    rt.set_morph(a, b, 0.0)
    return a, b


def _to_uint8(rgb):
    import numpy as np

    return (np.clip(rgb, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


# -- commands -----------------------------------------------------------------------

def cmd_render(args) -> int:
    import signal

    from graph_app import cli_progress, render_out

    graph_path = Path(args.graph) if args.graph else _default_graph()
    size, width, height = _parse_size(args)
    try:
        kind = render_out.kind_of(Path(args.out)) if args.out.strip() else None
        if kind == "still" and args.frames not in (None, 1):
            raise CLIError(f"--out {args.out} is one still: give --frames 1 (with --start N to "
                           "choose the frame), or a folder for a sequence of PNGs")
        frames = args.frames if args.frames is not None else (1 if kind == "still" else 300)
        target = render_out.plan(args.out, overwrite=args.overwrite)
    except render_out.OutputError as exc:
        raise CLIError(str(exc)) from None
    rt = _runtime(args, graph_path, size=size, width=width, height=height, preroll=True)
    if not rt.has_output:
        raise CLIError(f"{graph_path}: the graph has no Output node, so there is nothing to "
                       "render")
    morph = _morph_pair(args, rt, graph_path)
    if args.fps is not None:
        rt.set_fps(args.fps)
    con = _console()
    if target.note:
        con.print(_e(target.note))
    try:
        sink = render_out.FrameSink(target, rt.width, rt.height, rt.fps, crf=args.crf,
                                    first=args.start)
    except render_out.OutputError as exc:
        raise CLIError(str(exc)) from None
    t0 = time.perf_counter()
    interrupted = False
    try:
        with cli_progress.bars(con) as prog:
            if rt.preroll:  # the seed grows into the organism before frame 0
                warm = prog.add_task(_warm_label(rt), total=rt.preroll, verb="forming")

                def warmed():
                    prog.update(warm, advance=1,
                                description=f"pre-roll ({rt.preroll} frames before frame 0)")

                rt.roll(progress=warmed)
            if args.start:
                pre = prog.add_task(f"{_e(graph_path.name)} to --start {args.start}",
                                    total=args.start, verb="skipping")
                for _ in range(args.start):
                    rt.step()
                    prog.advance(pre)
            task = prog.add_task(_e(graph_path.name), total=frames, verb="rendering")
            for i in range(frames):
                if morph:  # A on the first frame, B on the last
                    rt.set_morph(*morph, i / (frames - 1) if frames > 1 else 0.0)
                rt.step()
                sink.write(_to_uint8(rt.output_host()))
                prog.advance(task)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        # a second Ctrl-C must not cut the video's last packets off
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            sink.close()
        except render_out.OutputError as exc:
            raise CLIError(str(exc)) from None
        finally:
            signal.signal(signal.SIGINT, old)
    dt = time.perf_counter() - t0
    where = f"{rt.width}x{rt.height}, {rt.be.name}"
    if rt.lift > 1:  # the grid asked for ran finer (nodes.sim_grid): say what ran
        from nodes import sim_grid

        where = (f"{rt.width}x{rt.height} scaled from a {rt.grid[0]}x{rt.grid[1]} simulation, "
                 f"{rt.be.name}; {sim_grid.why(rt.graph)}")
    if interrupted:
        if sink.count:
            con.print(f"interrupted: kept {sink.count} frame{'s' * (sink.count != 1)} "
                      f"({where}) in {_e(target.path)}")
        else:
            con.print("interrupted before the first frame: nothing written")
        return 130
    files = ""
    if target.kind == "frames":  # numbered by the take's frame: --start N begins at N
        files = f" ({sink.frame_path(args.start).name}"
        files += f" .. {sink.frame_path(args.start + frames - 1).name})" if frames > 1 else ")"
    elif args.start and frames:  # a video or still of a later stretch: which frames
        files = (f" (take frames {args.start}..{args.start + frames - 1})" if frames > 1
                 else f" (take frame {args.start})")
    con.print(f"wrote {frames} frame{'s' * (frames != 1)} ({where}) to {_e(target.path)}"
              f"{_e(files)} in {dt:.1f} s")
    return 0


def _asked_note(rt) -> str:
    """`` (asked 256x256: MNCA needs ...)`` where the simulated grid is not the one asked
    for (nodes.sim_grid), else ''."""
    if getattr(rt, "lift", 1) <= 1:
        return ""
    from nodes import sim_grid

    aw, ah = rt.asked_grid
    return f" (asked {aw}x{ah}: {sim_grid.why(rt.graph)})"


def _warm_label(rt) -> str:
    """The first label of the take's pre-roll (the README's word).  Where numba's cache
    is cold (a first run on this machine, or after an upgrade) its first frame compiles
    the CPU kernels, which can take a minute with nothing else moving: it says so then,
    in a line that fits 80 columns with its bar, and not on the runs after."""
    if rt.be.k.implementation("advect") == "numba":
        from nodes.kernels import cpu

        kinds = {nd.type.split(".", 1)[1] for nd in rt.graph.nodes.values()
                 if nd.type.startswith("engine.")}
        if not cpu.kernels_cached(sorted(kinds)):
            return "pre-roll (first run compiles CPU kernels: ≤1 min)"
    return f"pre-roll ({rt.preroll} frames before frame 0)"


def _warmup_why(rt, warm: int, asked: int) -> str:
    """Why a bench warms up for more frames than ``--warmup`` asked: the engine whose own
    start-up steps last longest (they are not steady state)."""
    by_node = rt.warmup_by_node()
    nid = max(by_node, key=by_node.get)
    nd = rt.graph.nodes[nid]
    spec = nd.spec
    kind = getattr(spec, "title", None) or nd.type
    name = f"{kind} node '{nd.title or nid}'"
    steps = nd.params.get("warmup")
    if isinstance(steps, int):  # an engine's 'Warm-up steps' over its 'Warm-up frames'
        what = (f"runs {steps} extra start-up steps (its 'Warm-up steps') over its first "
                f"{by_node[nid]} frames ('Warm-up frames')")
    else:
        what = f"does extra start-up work over its first {by_node[nid]} frames"
    return (f"warm-up {warm} frames, not the {asked} asked: the {name} {what}, which are not "
            f"steady state, so timing starts one frame after them. A bench starts from the "
            f"seed: it has no take's {_preroll()}-frame pre-roll.")


def _preroll() -> int:
    import nodes

    return nodes.START_PREROLL


def cmd_bench(args) -> int:
    graph_path = Path(args.graph) if args.graph else _default_graph()
    rt = _runtime(args, graph_path, size=_parse_size(args)[0])
    if args.steps is not None:
        rt.ctx.steps_override = args.steps
    con = _console()
    warm = max(args.warmup, rt.warmup_frames + 1)  # engine warm-up is not steady state
    con.print(f"{_e(graph_path.name)}: {rt.grid[0]}x{rt.grid[1]}{_e(_asked_note(rt))} on {rt.be.name}, warm-up {warm} "
              f"frames, timing {args.frames} frames")
    if warm > args.warmup:
        con.print(_e(_warmup_why(rt, warm, args.warmup)))
    for _ in range(warm):
        rt.step()
    rt.be.synchronize()
    t0 = time.perf_counter()
    for _ in range(args.frames):
        rt.step()
    rt.be.synchronize()
    dt = time.perf_counter() - t0
    steps = ("the graph's own scheduler" if args.steps is None
             else f"{args.steps} engine step{'s' * (args.steps != 1)} a frame")
    con.print(f"simulation only ({steps}): a render also converts and encodes each frame "
              "(H.264 adds about 9 ms a frame at 512)")
    print(f"ms/frame: {1000 * dt / args.frames:.2f}")
    print(f"fps: {args.frames / dt:.2f}")
    return 0


def cmd_validate(args) -> int:
    import nodes
    from nodes.errors import Severity

    bad = 0
    for path in args.graphs:
        try:
            nodes.load(path)  # what render and export load: every error, all at once
            g = nodes.load(path, strict=False)
        except nodes.GraphError as exc:
            for issue in exc.issues:
                print(f"error: {issue}")
            bad += 1
            continue
        issues = nodes.validate(g, file=str(path))
        for issue in issues:
            print(f"{issue.severity.value}: {issue}")
        for note in _export_notes(g, str(path)):
            print(f"warning: {note}")
        if any(i.severity is Severity.ERROR for i in issues):
            bad += 1
        else:
            print(f"ok: {path} ({len(g.nodes)} nodes, {len(g.links)} links, "
                  f"{len(g.published)} published)")
    return 1 if bad else 0


def _export_notes(graph, source: str) -> list[str]:
    """What `cagraph export` would refuse in a graph that otherwise runs."""
    try:
        from scope_export.exporter import ExportError, published_fields
    except ImportError:  # pragma: no cover - the exporter ships with cagraph
        return []
    try:
        published_fields(graph, source)
    except ExportError as exc:
        return [f"export to Scope would fail: {exc}"]
    return []


def cmd_info(args) -> int:
    import nodes
    from rich.console import Console
    from rich.table import Table

    g = nodes.load(args.graph)
    # piped into a file or grep: wide enough that no name is cut short
    con = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    m = g.meta
    con.print(f"[bold]{_e(m.name)}[/]  {_e(m.description)}")
    grid = f"grid {m.grid[0]}x{m.grid[1]}" if m.grid else f"size {m.size}"
    con.print(f"{grid}  fps {m.fps:g}  seed {m.seed}  tempo {g.tempo.bpm:g} bpm "
              f"({g.tempo.beats_per_bar} beats a bar)")
    snaps = ", ".join(repr(s.name) for s in g.snapshots) or "none"
    con.print(f"snapshots: {_e(snaps)}")
    t = Table("id", "type", "params set", title="nodes")
    for nd in g.nodes.values():
        t.add_row(nd.id, _e(nd.type), _e(", ".join(f"{k}={_short(v)}"
                                                 for k, v in nd.params.items())))
    con.print(t)
    t = Table("#", "name", "label", "node.param", "value", "range", title="published parameters")
    for pub in g.published:
        spec = g.nodes[pub.node].spec.param(pub.param)
        rng = ("{:g}..{:g}".format(*pub.bounds(spec)) if spec.numeric
               else "|".join(spec.choices) if spec.choices else spec.type.value)
        t.add_row(str(pub.order), pub.name, _e(pub.label), f"{pub.node}.{pub.param}",
                  _e(_short(g.param_value(pub.node, pub.param))), _e(rng))
    con.print(t)
    return 0


def _short(v) -> str:
    s = repr(v) if not isinstance(v, float) else f"{v:g}"
    return s if len(s) < 40 else s[:37] + "..."


def cmd_schema(args) -> int:
    import json

    from nodes.fileformat import json_schema

    print(json.dumps(json_schema(), indent=2))
    return 0


def _display_problem() -> str | None:
    """Why Qt could not open a window here (it aborts the process instead of raising)."""
    from graph_app.qt_check import xcb_problem

    if not sys.platform.startswith("linux"):
        return None
    qpa = os.environ.get("QT_QPA_PLATFORM", "")
    if qpa and not qpa.startswith("xcb"):
        return None
    if not qpa and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return ("the editor needs a display, and DISPLAY and WAYLAND_DISPLAY are unset (over "
                "SSH use `ssh -X`; for a headless check set QT_QPA_PLATFORM=offscreen); "
                "`cagraph render` works without one")
    return xcb_problem()


def cmd_edit(args) -> int:
    problem = _display_problem()
    if problem:
        raise CLIError(problem)
    try:
        from graph_app.editor import run
    except ImportError as exc:
        raise CLIError(f"the editor needs PySide6 and NodeGraphQt ({exc})") from None
    return int(run(args.graph) or 0)


# -- parser -------------------------------------------------------------------------

def _fps(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 1 <= v <= 240:
        raise argparse.ArgumentTypeError(f"must lie in 1..240, got {text}")
    return v


def _bpm(text: str) -> float:
    from nodes.tempo import MAX_BPM, MIN_BPM

    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a tempo in bpm, got {text!r}") from None
    if not MIN_BPM <= v <= MAX_BPM:
        raise argparse.ArgumentTypeError(f"must lie in {MIN_BPM:g}..{MAX_BPM:g} bpm, got {text}")
    return v


def _crf(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= v <= 51:
        raise argparse.ArgumentTypeError(f"must lie in 0..51 (H.264's CRF), got {v}")
    return v


def _count(minimum: int):
    """An argparse type: a whole number >= minimum."""
    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if v < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {v}")
        return v
    parse.__name__ = "count"
    return parse


class _Parser(argparse.ArgumentParser):
    """Unknown arguments are an error of the (sub)command they were given to, so a typo
    such as ``render --frmes`` prints render's usage, not the top level's."""

    def parse_known_args(self, args=None, namespace=None):
        ns, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return ns, extras


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="cagraph", description="Living cellular-automata graphs: "
                                 "render, benchmark, validate, edit, export to Daydream Scope.")
    sub = ap.add_subparsers(dest="command", required=True)

    def backend(p):
        p.add_argument("--backend", default="auto", choices=("auto", "numpy", "cupy"),
                       help="array backend (auto = CuPy when a CUDA GPU is usable)")

    p = sub.add_parser("render", help="render frames to an MP4 (H.264) or a folder of PNGs")
    p.add_argument("graph", nargs="?", type=graph_arg,
                   help="a .graph file or a bundled graph's name (default: the bundled amoeba)")
    p.add_argument("--frames", type=_count(1), default=None,
                   help="frames to write (default 300; 1 for a still)")
    p.add_argument("--start", type=_count(0), default=0, metavar="N",
                   help="the take's first frame written: frames 0..N-1 are simulated, not "
                        "written (a folder's files are numbered by frame: the first is N)")
    p.add_argument("--size", type=_count(16), help="simulation grid size (multiple of 16); "
                   "on a graph with a rectangular grid: its shorter side")
    p.add_argument("--grid", metavar="WxH|frame",
                   help="simulate on a rectangular grid, e.g. 576x320 (multiples of 16), or "
                        "'frame': the --width x --height frame itself (default: the graph's "
                        "grid, else --size squared)")
    p.add_argument("--width", type=_count(1))
    p.add_argument("--height", type=_count(1))
    p.add_argument("--fps", type=_fps, help="frame rate of the take (default: the graph's)")
    p.add_argument("--morph", metavar="A:B",
                   help="morph from snapshot A (first frame) to snapshot B (last frame)")
    p.add_argument("--bpm", type=_bpm, metavar="N",
                   help="tempo of the take (beat-synced nodes; default: the graph's tempo)")
    p.add_argument("--seed", type=_count(0))
    p.add_argument("--set", action="append", metavar="NAME=VALUE",
                   help="set a published parameter (repeatable)")
    p.add_argument("--out", default="out/render.mp4",
                   help=".mp4/.mov/.mkv video, .png/.jpg for one still, or a folder for PNGs")
    p.add_argument("--crf", type=_crf, default=18,
                   help="H.264 quality: 0 lossless .. 51 worst (default 18, visually clean)")
    p.add_argument("--overwrite", action="store_true",
                   help="replace an earlier take at --out (default: write beside it)")
    backend(p)
    p.set_defaults(fn=cmd_render)

    p = sub.add_parser("bench", help="steady-state frames per second (warm-up excluded)")
    p.add_argument("graph", nargs="?", type=graph_arg)
    p.add_argument("--size", type=_count(16))
    p.add_argument("--grid", metavar="WxH", help="a rectangular simulation grid, e.g. 576x320")
    p.add_argument("--frames", type=_count(1), default=60)
    p.add_argument("--warmup", type=_count(0), default=10,
                   help="untimed frames first (at least one more than the engines' own warm-up "
                        "frames; a bench has no take pre-roll)")
    p.add_argument("--steps", type=_count(0), default=1,
                   help="engine steps per frame, overriding the graph's Step Scheduler "
                        "(default 1, to compare graphs per step; 0 = the graph's own "
                        "scheduler, as a render runs it)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE")
    backend(p)
    p.set_defaults(fn=cmd_bench)

    p = sub.add_parser("validate", help="check .graph files; exit 1 on errors")
    p.add_argument("graphs", nargs="+", type=graph_arg)
    p.set_defaults(fn=cmd_validate)

    p = sub.add_parser("info", help="nodes and published parameters of a graph")
    p.add_argument("graph", type=graph_arg)
    p.set_defaults(fn=cmd_info)

    p = sub.add_parser("schema", help="print the .graph JSON Schema")
    p.set_defaults(fn=cmd_schema)

    p = sub.add_parser("edit", help="open the node editor")
    p.add_argument("graph", nargs="?")
    p.set_defaults(fn=cmd_edit)

    from graph_app.cli_gallery import add_subcommands as add_gallery

    add_gallery(sub)
    try:
        from graph_app.cli_scope import add_subcommands
    except ImportError:
        pass
    else:
        add_subcommands(sub)
    return ap


def main(argv: list[str] | None = None) -> int:
    import nodes

    ap = build_parser()
    args = ap.parse_args(argv)
    if getattr(args, "steps", None) == 0:
        args.steps = None
    try:
        return int(args.fn(args) or 0)
    except nodes.GraphError as exc:
        for issue in exc.issues:
            print(f"error: {issue}{_bundled_hint(issue)}", file=sys.stderr)
        return 2
    except (CLIError, nodes.BackendUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except nodes.NodeFailure as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except BrokenPipeError:
        # `cagraph presets | head`: the reader has what it wanted; Python would print
        # "Exception ignored ... BrokenPipeError" flushing stdout at exit
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    # `python -m graph_app.cli`: run the package's own module, so that the errors other
    # modules raise (graph_app.cli.CLIError) are the classes main() catches
    from graph_app.cli import main as _main

    sys.exit(_main())
