"""Every menu entry and toolbar button of the editor, triggered as a click triggers it.

``QAction.trigger()`` emits ``triggered(checked)``: a slot written for a server string
once received ``False`` from the Scope menu and opened no dialog.  This walks every
action of every menu (submenus included) and toolbar, answers or cancels whatever
dialog it opens through the dialog itself, and fails on any exception a slot raises
(pytest-qt turns exceptions inside Qt callbacks into test failures)."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6 import QtCore, QtWidgets

ROOT = Path(__file__).resolve().parents[2]
AMOEBA = ROOT / "graphs" / "amoeba.graph"


class DialogCloser:
    """Rejects each modal dialog (or message box) as it opens and records its title."""

    def __init__(self):
        self.seen: list[str] = []
        self.timer = QtCore.QTimer()
        self.timer.setInterval(30)
        self.timer.timeout.connect(self._close)
        self.timer.start()

    def _close(self):
        w = QtWidgets.QApplication.activeModalWidget()
        if w is None:
            return
        self.seen.append(w.windowTitle() or type(w).__name__)
        if isinstance(w, QtWidgets.QMessageBox):
            # the choice that changes nothing: Cancel / No / the escape button
            for role in (QtWidgets.QMessageBox.Cancel, QtWidgets.QMessageBox.No):
                b = w.button(role)
                if b is not None:
                    b.click()
                    return
            (w.escapeButton() or w.defaultButton() or w.buttons()[0]).click()
        elif isinstance(w, QtWidgets.QDialog):
            w.reject()
        else:
            w.close()

    def stop(self):
        self.timer.stop()


def _walk(menu: QtWidgets.QMenu, path: str):
    for a in menu.actions():
        if a.isSeparator():
            continue
        if a.menu() is not None:
            yield from _walk(a.menu(), f"{path} > {a.text()}")
        else:
            yield f"{path} > {a.text()}", a


def _all_actions(win: QtWidgets.QMainWindow):
    seen = set()
    for top in win.menuBar().actions():
        if top.menu() is None:
            continue
        for name, a in _walk(top.menu(), top.text()):
            if id(a) not in seen:
                seen.add(id(a))
                yield name.replace("&", ""), a
    for tb in win.findChildren(QtWidgets.QToolBar):
        for a in tb.actions():
            if a.isSeparator() or id(a) in seen or isinstance(a, QtWidgets.QWidgetAction):
                continue
            seen.add(id(a))
            yield f"toolbar {tb.windowTitle()} > {a.text()}".replace("&", ""), a


QUITS = ("quit", "exit", "close window")


def test_every_menu_and_toolbar_action_runs_without_an_exception(make_window, qtbot, tmp_path):
    # a copy: Auto Layout then the toolbar's Save would rewrite the bundled file
    work = tmp_path / "amoeba.graph"
    work.write_bytes(AMOEBA.read_bytes())
    win = make_window(str(work), preview=True, size=64)
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    actions = list(_all_actions(win))
    assert len(actions) >= 20, [n for n, _ in actions]  # the walk found the menus
    closer = DialogCloser()
    opened: dict[str, list[str]] = {}
    try:
        # quitting last: it closes the window the others act on
        for name, a in sorted(actions, key=lambda na: any(q in na[0].lower() for q in QUITS)):
            if not a.isEnabled():
                continue
            before = len(closer.seen)
            t0 = time.monotonic()
            a.trigger()
            qtbot.wait(40)
            opened[name] = closer.seen[before:]
            assert time.monotonic() - t0 < 30, f"{name} took too long"
    finally:
        closer.stop()
    # the Scope entries open their dialogs from the menu (they opened none when the
    # menu's `checked` reached them as the server)
    assert opened["Scope > Launch on Scope…"], opened
    assert opened["Scope > Link to Scope Session…"], opened


def test_scope_menu_dialogs_take_what_the_user_types(make_window, qtbot, monkeypatch):
    """Answered through the dialog: the server typed into Link reaches the link."""
    win = make_window(str(AMOEBA))
    got = []
    monkeypatch.setattr(win.scope, "connect_to", lambda server: got.append(server))

    def answer():
        w = QtWidgets.QApplication.activeModalWidget()
        if isinstance(w, QtWidgets.QInputDialog):
            w.setTextValue("http://127.0.0.1:8123")
            w.accept()
        else:
            QtCore.QTimer.singleShot(30, answer)

    QtCore.QTimer.singleShot(30, answer)
    act = next(a for n, a in _all_actions(win) if n == "Scope > Link to Scope Session…")
    act.trigger()
    assert got == ["http://127.0.0.1:8123"]
