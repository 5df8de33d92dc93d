"""The editor tools' offscreen runs (the screenshot tool, benchmarks/editor_preview_fps.py)
drop Qt's offscreen "does not support propagateSizeHints()" line and nothing else
(graph_app/editor/offscreen_quiet.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# a window with a dock, shown offscreen (Qt says the line), then a warning of our own
SCRIPT = """
import sys
from PySide6 import QtCore, QtWidgets
app = QtWidgets.QApplication([])
if sys.argv[1] == "quiet":
    from graph_app.editor import offscreen_quiet
    print("installed", offscreen_quiet.install(), offscreen_quiet.install())
win = QtWidgets.QMainWindow()
win.setCentralWidget(QtWidgets.QLabel("x"))
dock = QtWidgets.QDockWidget("d")
dock.setWidget(QtWidgets.QLabel("y"))
win.addDockWidget(QtCore.Qt.RightDockWidgetArea, dock)
win.show()
for _ in range(3):
    app.processEvents()
dock.setMinimumSize(200, 100)
app.processEvents()
QtCore.qWarning("another Qt warning stays")
"""


def _run(mode: str, platform: str = "offscreen") -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": platform,
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-c", SCRIPT, mode], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_offscreen_tools_drop_only_the_propagate_size_hints_line():
    from graph_app.editor.offscreen_quiet import NOISE

    loud = _run("loud")
    assert loud.returncode == 0, loud.stderr
    assert NOISE in loud.stderr  # what Qt says without the filter
    quiet = _run("quiet")
    assert quiet.returncode == 0, quiet.stderr
    assert "installed True True" in quiet.stdout
    assert NOISE not in quiet.stderr, quiet.stderr
    assert "another Qt warning stays" in quiet.stderr, quiet.stderr
    # any other platform: nothing installed
    other = _run("quiet", "minimal")
    assert other.returncode == 0 and "installed False False" in other.stdout, other.stderr
    # the tools install it: the screenshot tool and the preview benchmark
    for tool in ("graph_app/editor/screenshot.py", "benchmarks/editor_preview_fps.py"):
        assert "offscreen_quiet.install()" in (ROOT / tool).read_text(), tool
