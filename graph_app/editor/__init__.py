"""The cagraph editor (PySide6 + NodeGraphQt).  ``run(path)`` is what ``cagraph edit`` calls."""

from __future__ import annotations

import os
import sys


def run(path: str | None = None, *, preview_size: int = 512) -> int:
    """Open the editor on ``path`` (or the bundled default graph); returns the exit code."""
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")  # see reference/performance.md
    from PySide6 import QtWidgets

    from . import theme
    from .main_window import MainWindow

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    app.setApplicationName("cagraph")
    app.setOrganizationName("cagraph")
    theme.apply(app)
    win = MainWindow(path, preview_size=preview_size)
    win.show()
    return app.exec()


__all__ = ["run"]
