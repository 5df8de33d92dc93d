"""Editor preview fps while a slider moves: the amoeba graph at 512 x 512 (CPU).

Runs the real editor window offscreen (canvas, panels, preview worker thread),
selects the Lenia engine and changes a parameter through the params panel's
slider every UI tick (as a drag does: one merged undo step), and prints the
preview's delivered frames per second measured over the run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/editor_preview_fps.py [--size 512] [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_WAIT_POLICY", "passive")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _check(ap, graph: str, param: str) -> str:
    """The graph's file (a bundled graph's name works too), checked before a window opens:
    one line (exit 2) for a graph that cannot be read or a --param its engine lacks."""
    import nodes
    from graph_app.cli import graph_arg

    path = graph_arg(graph)
    try:
        g = nodes.load(path)
    except nodes.GraphError as exc:
        ap.error(str(exc.issues[0]))
    engine = next((nd for nd in g.nodes.values() if nd.type.startswith("engine.")), None)
    if engine is None:
        ap.error(f"{path}: the graph has no engine node whose slider to drag")
    names = [p.name for p in engine.spec.params]
    if param not in names:
        ap.error(f"--param {param}: {engine.type} has no such parameter (it has "
                 f"{', '.join(names)})")
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[1].replace("\n", " "))
    ap.add_argument("--graph", default=str(Path(__file__).resolve().parents[1] / "graphs" /
                                         "amoeba.graph"), help="the .graph to open (default amoeba)")
    ap.add_argument("--size", type=int, default=512,
                    help="the preview's grid in px (default 512)")
    ap.add_argument("--seconds", type=float, default=10.0,
                    help="how long the slider moves; fps is measured over it (default 10)")
    ap.add_argument("--param", default="sigma",
                    help="the engine parameter whose slider is dragged (default sigma)")
    ap.add_argument("--no-drag", action="store_true", help="baseline: no slider movement")
    args = ap.parse_args()
    args.graph = _check(ap, args.graph, args.param)

    os.environ["CAGRAPH_RECOVERY_DIR"] = tempfile.mkdtemp(prefix="cagraph-bench-")
    from PySide6 import QtCore, QtWidgets

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    from graph_app.editor import offscreen_quiet, theme

    offscreen_quiet.install()
    from graph_app.editor.main_window import MainWindow

    theme.apply(app)
    settings = QtCore.QSettings(os.path.join(os.environ["CAGRAPH_RECOVERY_DIR"], "s.ini"),
                                QtCore.QSettings.IniFormat)
    win = MainWindow(args.graph, preview_size=args.size, settings=settings,
                     ask=lambda kind, text: "discard" if kind == "save_changes" else False)
    win.resize(1600, 960)
    win.show()
    engine = next(n for n, nd in win.doc.graph.nodes.items() if nd.type.startswith("engine."))
    win.canvas.select([engine])

    def pump(seconds, fn=None):
        t_end = time.perf_counter() + seconds
        while time.perf_counter() < t_end:
            if fn:
                fn()
            app.processEvents(QtCore.QEventLoop.AllEvents, 5)
            time.sleep(0.004)

    # warm-up: first frames build kernels / JIT; the UI keeps pumping meanwhile
    t0 = time.perf_counter()
    max_gap = 0.0
    last = time.perf_counter()
    while win.preview.frames_shown < 5 and time.perf_counter() - t0 < 120:
        app.processEvents(QtCore.QEventLoop.AllEvents, 5)
        now = time.perf_counter()
        max_gap = max(max_gap, now - last)
        last = now
        time.sleep(0.002)
    warm = time.perf_counter() - t0
    print(f"warm-up: first frames after {warm:.2f} s (longest UI stall {max_gap * 1000:.0f} ms)")

    row = win.params.rows[args.param]
    row.slider.sliderPressed.emit()
    lo, hi = 0, row.slider.maximum()
    state = {"v": row.slider.value(), "d": max(1, (hi - lo) // 200), "ticks": 0}

    def drag():
        v = state["v"] + state["d"]
        if not (lo + (hi - lo) // 4 <= v <= hi - (hi - lo) // 4):
            state["d"] = -state["d"]
            v = state["v"] + state["d"]
        state["v"] = v
        row.slider.setValue(v)
        state["ticks"] += 1

    f0 = win.worker.frames_delivered
    s0 = win.preview.frames_shown
    undo0 = win.doc.undo.count()
    t0 = time.perf_counter()
    pump(args.seconds, None if args.no_drag else drag)
    dt = time.perf_counter() - t0
    row.slider.sliderReleased.emit()
    frames = win.worker.frames_delivered - f0
    shown = win.preview.frames_shown - s0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine load average (1 min): {load:.2f} (other processes share these cores)")
    print(f"graph {Path(args.graph).name}, preview {args.size}x{args.size}, "
          f"{os.cpu_count()} CPUs, slider '{engine}.{args.param}' moved {state['ticks']} times "
          f"({state['ticks'] / dt:.0f}/s), undo steps added: {win.doc.undo.count() - undo0}")
    print(f"preview fps while dragging: {frames / dt:.1f} "
          f"(frames painted: {shown / dt:.1f}/s; sim {win.preview.last_info.get('sim_ms', 0):.1f}"
          f" ms/frame; target {win.doc.graph.meta.fps:g})")
    win.worker.stop()
    win.doc.undo.setClean()
    win.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
