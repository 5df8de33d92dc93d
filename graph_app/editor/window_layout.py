"""The window's default dock arrangement and the docks' minimum sizes.

From 1280x720 up every dock stays usable: the four bottom panels (Problems,
Published for Scope, Controls, Snapshots) share one tabbed dock under the canvas,
each with the full width, and every dock has a minimum size its content fits in.
The right column (preview over parameters) takes about a third of the width.
"""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

#: dock object name -> (minimum width, minimum height)
MIN_SIZES = {"nodes": (150, 200), "preview": (300, 220), "params": (300, 180),
             "problems": (360, 110), "published": (420, 110), "controls": (360, 110),
             "snapshots": (360, 110)}


def bottom_docks(win) -> list[QtWidgets.QDockWidget]:
    names = ("dock_problems", "dock_published", "dock_controls", "dock_snapshots")
    return [getattr(win, n) for n in names if getattr(win, n, None) is not None]


def docks(win) -> list[QtWidgets.QDockWidget]:
    return [d for d in win.findChildren(QtWidgets.QDockWidget) if d.parent() is win]


def apply_minimums(win) -> None:
    for d in docks(win):
        w, h = MIN_SIZES.get(d.objectName(), (160, 100))
        d.setMinimumSize(w, h)


def arrange(win, width: int | None = None) -> None:
    """The default arrangement for a window ``width`` wide (default: its width now)."""
    width = width or win.width()
    bottom = bottom_docks(win)
    for d in bottom:
        if win.dockWidgetArea(d) != QtCore.Qt.BottomDockWidgetArea or d.isFloating():
            d.setFloating(False)
            win.addDockWidget(QtCore.Qt.BottomDockWidgetArea, d)
    for a, b in zip(bottom, bottom[1:]):
        win.tabifyDockWidget(a, b)
    if bottom:
        bottom[0].raise_()
    right = max(MIN_SIZES["preview"][0], min(620, int(width * 0.31)))
    left = 170 if width < 1600 else 200
    win.resizeDocks([win.dock_palette], [left], QtCore.Qt.Horizontal)
    win.resizeDocks([win.dock_preview], [right], QtCore.Qt.Horizontal)
    win.resizeDocks([win.dock_preview, win.dock_params], [55, 45], QtCore.Qt.Vertical)
    if bottom:
        win.resizeDocks([bottom[0]], [150 if width < 1600 else 190], QtCore.Qt.Vertical)


def install(win) -> None:
    """Minimum sizes and the default arrangement (after every dock exists)."""
    apply_minimums(win)
    arrange(win)


STATE_KEY = "window/state"


def restore(win) -> bool:
    """The arrangement saved by the last session's window, if any."""
    st = win.settings.value(STATE_KEY)
    if isinstance(st, QtCore.QByteArray) and not st.isEmpty():
        return bool(win.restoreState(st))
    return False


def save(win) -> None:
    win.settings.setValue(STATE_KEY, win.saveState())


def on_first_show(win) -> None:
    """Arrange for the size the window is shown at, unless a saved state was restored."""
    if not getattr(win, "_layout_restored", False):
        arrange(win)
    apply_minimums(win)


def reset(win) -> None:
    """View → Reset Layout: every dock shown, the default arrangement."""
    for d in docks(win):
        d.setFloating(False)
        d.show()
    arrange(win)
