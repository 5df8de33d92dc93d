"""CLI subcommands for Scope: ``export``, ``scope launch|set`` and ``lora check``.

``graph_app.cli`` calls :func:`add_subcommands` on its argparse subparsers.  Every
handler prints one clear ``error: ...`` line (naming the file, LoRA or server)
and returns a non-zero exit code instead of raising.
"""

from __future__ import annotations

import argparse
import sys

from graph_app.cli import _e, graph_arg  # (_e: user text printed as is, never read as markup)


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _vace_scale(text: str) -> float:
    """argparse type: Krea's VACE context scale, a number in 0..2."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0.0 <= v <= 2.0:  # also refuses NaN
        raise argparse.ArgumentTypeError(f"must be between 0 and 2, got {text}")
    return v


def _fail(msg: str, code: int = 2) -> int:
    print(f"error: {msg}", file=sys.stderr)
    return code


def _guard(fn):
    """Turn the expected failures into one line and an exit code."""

    def run(args) -> int:
        import nodes
        from scope_export.exporter import ExportError
        from scope_export.lora import LoraError
        from scope_export.remote import RemoteError
        from scope_export.scope_client import ScopeError

        try:
            return int(fn(args) or 0)
        except nodes.GraphError as exc:
            for issue in exc.issues:
                print(f"error: {issue}", file=sys.stderr)
            return 2
        except (ExportError, LoraError, ScopeError, RemoteError) as exc:
            return _fail(str(exc))
        except OSError as exc:
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            return _fail(f"{where}{exc.strerror or exc}")

    run.__name__ = fn.__name__
    return run


def _lora_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lora", action="append", default=[], metavar="PATH[:SCALE]",
                   help="a Wan2.1-T2V-14B LoRA for Krea (repeatable); scale defaults to 1.0")
    p.add_argument("--lora-merge-mode", default="permanent_merge",
                   choices=("permanent_merge", "runtime_peft"),
                   help="permanent_merge: full speed, fixed scales; runtime_peft: scales "
                        "change live, about half the fps")
    p.add_argument("--allow-incompatible-lora", action="store_true",
                   help="use LoRAs even when they look made for another model (e.g. 1.3B)")


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--name", help="plugin name (default: the graph's name)")
    p.add_argument("--size", metavar="WxH",
                   help="output size, multiples of 16 (default: the graph's, else 576x320)")
    p.add_argument("--grid", metavar="WxH|frame|square",
                   help="simulation grid: WxH (multiples of 16), 'frame' (the output size: "
                        "the organism fills Krea's frame) or 'square' (default: the graph's)")
    p.add_argument("--fps", type=float, help="frames per second (default: the graph's)")
    p.add_argument("--prompt", help="Krea prompt for the workflow / session")


def add_subcommands(sub) -> None:
    p = sub.add_parser("export", help="export a graph as a Daydream Scope plugin (+ Krea workflow)")
    p.add_argument("graph", type=graph_arg, help="a .graph file or a bundled graph's name")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the plugin package")
    _export_args(p)
    _lora_args(p)
    p.add_argument("--plugin-version", default="1.0.0", help="package version (default 1.0.0)")
    p.add_argument("--wheel", action="store_true", help="also build a wheel into DIR/dist")
    p.set_defaults(fn=cmd_export)

    sp = sub.add_parser("scope", help="drive a running Daydream Scope server")
    ssub = sp.add_subparsers(dest="scope_cmd", required=True, metavar="{launch,set}")
    p = ssub.add_parser("launch", help="install + load CA -> Krea Realtime with LoRAs, start")
    p.add_argument("graph", type=graph_arg, help="a .graph file or a bundled graph's name")
    p.add_argument("--server", required=True, metavar="URL", help="e.g. http://127.0.0.1:8000")
    _export_args(p)
    _lora_args(p)
    p.add_argument("--out", metavar="DIR",
                   help="where to export the plugin (default: <name> in cagraph's per-user "
                   "data folder, scope-plugins/, the one the editor uses)")
    p.add_argument("--package-spec", metavar="SPEC",
                   help="what the server installs, also written into the workflow: a git URL, "
                        "a wheel URL or a path on the server (default: the exported folder, "
                        "for a server on this machine)")
    p.add_argument("--ssh", metavar="USER@HOST[:PORT]",
                   help="a pod with direct SSH: copy the plugin there (your ssh keys, scp or "
                        "rsync) and install it from that folder")
    p.add_argument("--remote-dir", metavar="DIR",
                   help="with --ssh: the folder on the pod for plugins (default: "
                        "~/cagraph-plugins)")
    p.add_argument("--quantization", choices=("none", "fp8_e4m3fn"), default="none",
                   help="Krea weights: fp8_e4m3fn for GPUs under 40 GB")
    p.add_argument("--vace-context-scale", type=_vace_scale, default=1.0,
                   help="how strongly the CA video steers Krea (0..2, default 1)")
    p.add_argument("--timeout", type=float, default=1200.0,
                   help="seconds to wait for the pipelines to load (default 1200)")
    p.set_defaults(fn=cmd_scope_launch)

    p = ssub.add_parser("set", help="change published parameters / LoRA scales live")
    p.add_argument("assignments", nargs="*", metavar="NAME=VALUE", type=_assignment)
    p.add_argument("--server", required=True, metavar="URL")
    p.add_argument("--lora-scale", action="append", default=[], metavar="PATH=SCALE",
                   help="runtime scale of a loaded runtime_peft LoRA (repeatable)")
    p.add_argument("--pipeline", help="cagraph pipeline id when several are installed")
    p.add_argument("--vace-context-scale", type=_vace_scale, default=1.0,
                   help="resent with LoRA updates (Scope's REST injects 1.0 otherwise)")
    p.set_defaults(fn=cmd_scope_set)

    lp = sub.add_parser("lora", help="LoRA file tools")
    lsub = lp.add_subparsers(dest="lora_cmd", required=True, metavar="{check}")
    p = lsub.add_parser("check", help="find truncated/corrupt LoRAs and their Wan2.1 model size")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(fn=cmd_lora_check)


def _assignment(text: str) -> str:
    """NAME=VALUE, checked before anything is sent."""
    name, eq, value = text.partition("=")
    if not eq or not name.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r} (e.g. speed=1.5)")
    return text


# -- handlers -----------------------------------------------------------------------------

@_guard
def cmd_export(args) -> int:
    from scope_export.exporter import export

    res = export(args.graph, args.out, name=args.name, loras=args.lora,
                 merge_mode=args.lora_merge_mode, size=args.size, fps=args.fps,
                 version=args.plugin_version, allow_incompatible_lora=args.allow_incompatible_lora,
                 prompt=args.prompt, grid=args.grid)
    con = _console()
    for w in res.warnings:
        _console(stderr=True).print(f"[yellow]warning:[/] {_e(w)}")
    con.print(f"exported [bold]{res.names.pipeline_id}[/] ({res.width}x{res.height}, "
              f"{len(res.fields)} parameters) to {_e(res.out_dir)}")
    con.print(f"  workflow: {_e(res.workflow_path)}")
    if args.wheel:
        import importlib.util
        import subprocess

        # offline when the backend is already here; else let `build` fetch hatchling
        iso = [] if importlib.util.find_spec("hatchling") is None else ["--no-isolation"]
        proc = subprocess.run([sys.executable, "-m", "build", "--wheel", *iso, "--outdir",
                               str(res.out_dir / "dist"), str(res.out_dir)],
                              capture_output=True, text=True)
        if proc.returncode:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["?"]
            return _fail(f"building the wheel in {res.out_dir} failed: {tail[0]}")
        con.print(f"  wheel: {_e(next((res.out_dir / 'dist').glob('*.whl')))}")
    con.print(f"  install: daydream-scope install {_e(res.out_dir)}")
    return 0


@_guard
def cmd_scope_launch(args) -> int:
    from scope_export.scope_client import ScopeClient, launch_graph

    from .data_dir import scope_plugins_dir

    client = ScopeClient(args.server)
    con = _console()
    warn = _console(stderr=True)
    with con.status("talking to Scope ...") as status:
        def progress(msg: str) -> None:
            con.log(_e(msg))
            status.update(_e(msg))

        res = launch_graph(
            client, args.graph, out=args.out, plugins_root=scope_plugins_dir(),
            name=args.name, size=args.size, fps=args.fps, grid=args.grid,
            loras=args.lora, merge_mode=args.lora_merge_mode, prompt=args.prompt,
            allow_incompatible_lora=args.allow_incompatible_lora,
            package_spec=args.package_spec, ssh=args.ssh, remote_dir=args.remote_dir,
            quantization=None if args.quantization == "none" else args.quantization,
            vace_context_scale=args.vace_context_scale, load_timeout_s=args.timeout,
            progress=progress, warn=lambda m: warn.print(f"[yellow]warning:[/] {_e(m)}"))
    srv = _e(client.server)
    con.print(f"[green]running[/]: {res.names.pipeline_id} -> krea-realtime-video on {srv}")
    con.print(f"  preview: {srv}/api/v1/session/frame   stream: {srv}/api/v1/session/output.ts")
    con.print(f"  tweak:   cagraph scope set --server {srv} "
              f"{res.fields[0].name + '=...' if res.fields else 'name=value'}")
    return 0


@_guard
def cmd_scope_set(args) -> int:
    from scope_export.scope_client import ScopeClient, set_parameters

    con = _console()
    set_parameters(ScopeClient(args.server), args.assignments, lora_scales=args.lora_scale,
                   pipeline_id=args.pipeline, vace_context_scale=args.vace_context_scale,
                   progress=lambda m: con.print(_e(m)))
    return 0


@_guard
def cmd_lora_check(args) -> int:
    from scope_export.lora import check

    con = _console()
    bad = 0
    for f in args.files:
        rep = check(f)
        problem = rep.problem_for_krea()
        colour = "green" if not problem else ("red" if not rep.ok else "yellow")
        con.print(f"[{colour}]{_e(f)}[/]: {_e(rep.summary())}")
        if problem:
            bad += 1
            if rep.ok:
                con.print(f"  {_e(problem)}")
    return 1 if bad else 0
