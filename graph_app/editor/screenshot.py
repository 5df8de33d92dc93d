"""Retake the editor's screenshot offscreen (docs/editor.png).

    QT_QPA_PLATFORM=offscreen python -m graph_app.editor.screenshot --size 1920x1080 \\
        --out docs/editor.png

Opens a graph (amoeba unless --graph), selects a node (its Lenia engine unless --node),
switches the preview to Krea's 576x320 frame (--frame square keeps the graph's own),
runs it for a few seconds and grabs the window.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time


#: --frame: the preview's frame entries, as typed (576x320) -> as the box shows them
FRAMES = {"square": "square", "576x320": "576×320", "832x480": "832×480"}


class UsageError(Exception):
    """A bad option, said in one line (exit 2)."""


def take(out: str, width: int, height: int, seconds: float = 4.0, preview_size: int = 256,
         graph: str | None = None, node: str = "engine", frame: str = "576x320") -> str:
    from PySide6 import QtCore, QtWidgets

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    from . import offscreen_quiet, theme

    offscreen_quiet.install()
    from .main_window import MainWindow

    theme.apply(app)
    with tempfile.TemporaryDirectory() as tmp:
        settings = QtCore.QSettings(os.path.join(tmp, "s.ini"), QtCore.QSettings.IniFormat)
        win = MainWindow(graph, preview_size=preview_size, settings=settings)
        win.resize(width, height)
        win.show()
        for _ in range(5):
            app.processEvents()
        from . import window_layout

        window_layout.reset(win)
        box = win.preview.frame_box
        box.setCurrentIndex(box.findText(FRAMES[frame]))
        if node not in win.doc.graph.nodes:
            names = ", ".join(sorted(win.doc.graph.nodes))
            win.worker.stop(5)
            win.doc.undo.clear()
            win.close()
            which = os.path.basename(graph) if graph else f"{win.doc.graph.meta.name}.graph"
            raise UsageError(f"--node {node}: {which} has no node of that id "
                             f"(its nodes: {names})")
        win.canvas.select([node])
        win.canvas.frame_all()
        t = time.perf_counter()
        shown_at = None  # the first frame can take a while (kernels compile, warm-up)
        while time.perf_counter() - t < 120:
            app.processEvents()
            time.sleep(0.02)
            if shown_at is None and win.preview.frames_shown > 20:
                shown_at = time.perf_counter()
            if shown_at is not None and time.perf_counter() - shown_at >= seconds:
                break
        win.grab().save(out)
        print(f"{win.preview.frames_shown} frames shown; HUD: {win.preview.view.hud}")
        win.worker.stop(5)
        win.doc.undo.clear()
        win.close()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="1920x1080", help="window size WxH (default 1920x1080)")
    ap.add_argument("--out", default="editor.png",
                    help="PNG to write (default editor.png in the current folder; the README's "
                         "picture is docs/editor.png)")
    ap.add_argument("--seconds", type=float, default=4.0, help="preview time before the grab (default 4)")
    ap.add_argument("--preview-size", type=int, default=256, help="the preview's grid in px (default 256)")
    ap.add_argument("--graph", default=None, help="a .graph file or a bundled graph's name (default amoeba)")
    ap.add_argument("--node", default="engine",
                    help="id of the node selected in the canvas (default engine)")
    ap.add_argument("--frame", default="576x320", choices=tuple(FRAMES),
                    help="the preview's frame (default 576x320, Krea's; square keeps the "
                         "graph's own)")
    a = ap.parse_args(argv)
    if a.graph is not None:  # a file or a bundled graph's name, read before a window opens
        import nodes
        from graph_app.cli import graph_arg

        a.graph = graph_arg(a.graph)
        try:
            nodes.load(a.graph)
        except nodes.GraphError as exc:
            print(f"error: {exc.issues[0]}", file=sys.stderr)
            return 2
    try:
        w, h = (int(v) for v in a.size.lower().split("x"))
    except ValueError:
        ap.error(f"--size {a.size}: give WIDTHxHEIGHT, e.g. 1280x720")
    try:
        print(take(a.out, w, h, a.seconds, a.preview_size, graph=a.graph, node=a.node,
                   frame=a.frame))
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
