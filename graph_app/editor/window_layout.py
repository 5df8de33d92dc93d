"""The window's default dock arrangement and the docks' minimum sizes.

From 1280x720 up every dock stays usable: the four bottom panels (Problems,
Published for Scope, Controls, Snapshots) share one tabbed dock under the canvas,
each with the full width, and every dock has a minimum size its content fits in.
The right column (preview over parameters) takes about a third of the width.
"""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

#: dock object name -> (minimum width, minimum height)
MIN_SIZES = {"nodes": (150, 160), "preview": (300, 220), "params": (300, 160),
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
    narrow = width < 1600
    pal = win.dock_palette
    pal.setFloating(False)
    if narrow:
        # under 1600 px the canvas needs the width: the node list is a tab beside the
        # parameters (Tab and "+ Node" add nodes too)
        win.addDockWidget(QtCore.Qt.RightDockWidgetArea, pal)
        win.tabifyDockWidget(win.dock_params, pal)
        win.dock_params.raise_()
    else:
        win.addDockWidget(QtCore.Qt.LeftDockWidgetArea, pal)
        win.resizeDocks([pal], [200], QtCore.Qt.Horizontal)
    win.resizeDocks([win.dock_preview], [right], QtCore.Qt.Horizontal)
    win.resizeDocks([win.dock_preview, win.dock_params], [55, 45], QtCore.Qt.Vertical)
    if bottom:
        win.resizeDocks([bottom[0]], [140 if narrow else 190], QtCore.Qt.Vertical)
    if win.isVisible():  # laid out: the stale tab bars are where they are drawn
        QtWidgets.QApplication.processEvents()
        hide_stale_tab_bars(win)
    # Qt keeps the minimum of the arrangement the window was built with (wider): let the
    # layout's own minimum decide
    win.setMinimumSize(0, 0)


def hide_stale_tab_bars(win) -> None:
    """A tab group dissolved by re-tabbing can leave its tab bar drawn over a dock (Qt 6):
    a live tab bar sits beside its docks, never on top of one."""
    shown = [d.geometry() for d in docks(win) if d.isVisible() and not d.isFloating()]
    for tb in win.findChildren(QtWidgets.QTabBar, options=QtCore.Qt.FindDirectChildrenOnly):
        if tb.isVisible() and any(tb.geometry().intersects(g) for g in shown):
            tb.hide()


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
