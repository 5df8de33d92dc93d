import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _recovery_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CAGRAPH_RECOVERY_DIR", str(tmp_path / "recovery"))


@pytest.fixture(autouse=True)
def _gc_on_the_gui_thread(qapp):
    """Each test holds the editor's collector guard (gc_guard.py): its threads never run the
    cycle collector; teardown collects here, on the GUI thread, and switches it back on."""
    from graph_app.editor import gc_guard

    h = gc_guard.hold()
    yield
    h.release()
    gc_guard.reset()


@pytest.fixture(scope="session", autouse=True)
def _theme(qapp):
    from graph_app.editor import theme

    theme.apply(qapp)


class Answers:
    """Scripted answers for the window's prompts; records what was asked."""

    def __init__(self):
        self.save_changes = "cancel"
        self.restore = True
        self.revert = True
        self.asked = []

    def __call__(self, kind, text):
        self.asked.append(kind)
        return getattr(self, kind)


@pytest.fixture
def answers():
    return Answers()


@pytest.fixture
def make_window(qtbot, tmp_path, answers):
    from PySide6 import QtCore

    from graph_app.editor.main_window import MainWindow

    made = []

    def make(path=None, *, preview=False, size=64):
        settings = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.IniFormat)
        w = MainWindow(path, preview_size=size, start_preview=preview, settings=settings,
                       ask=answers)
        qtbot.addWidget(w)
        made.append(w)
        return w

    yield make
    for w in made:
        w.worker.stop(5)
        w.scope.close()
        w.doc.undo.clear()  # closing won't prompt
