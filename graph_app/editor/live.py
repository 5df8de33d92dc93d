"""Wires the live-performance parts into the main window: the tempo bar, the controller
hub with its Controls dock, and the learn entries of the parameter menus.  Kept out of
``main_window.py``, which only calls :func:`install` and :func:`close`."""

from __future__ import annotations

from PySide6 import QtCore

from .snapshots_panel import SnapshotsPanel
from .live_controls import ControllerHub, ControlsPanel, add_learn_actions, install_published_menu
from .tempo_bar import TempoBar


def install(win) -> None:
    win.controllers = hub = ControllerHub(win.doc, win)
    hub.message.connect(win.status)
    hub.restart_requested.connect(win.preview.restart)
    win.controls_panel = ControlsPanel(win.doc, hub)
    win.dock_controls = win._dock("Controls", win.controls_panel, QtCore.Qt.BottomDockWidgetArea,
                                  "controls")
    win.tabifyDockWidget(win.dock_published, win.dock_controls)
    win.snapshots_panel = SnapshotsPanel(win.doc)
    win.snapshots_panel.message.connect(win.status)
    win.dock_snapshots = win._dock("Snapshots", win.snapshots_panel,
                                   QtCore.Qt.BottomDockWidgetArea, "snapshots")
    win.tabifyDockWidget(win.dock_controls, win.dock_snapshots)
    hub.snapshot_requested.connect(win.snapshots_panel.recall)
    hub.morph_requested.connect(win.snapshots_panel.set_morph)
    win.dock_published.raise_()
    hub.learning.connect(lambda text: text and (win.dock_controls.show(),
                                                win.dock_controls.raise_()))
    win.params.menu_hooks.append(lambda menu, nid, p: add_learn_actions(menu, hub, nid, p.name))
    install_published_menu(win.published.table, hub)
    view = next((a.menu() for a in win.menuBar().actions() if a.text() == "&View"), None)
    if view is not None:
        view.addAction(win.dock_controls.toggleViewAction())
        view.addAction(win.dock_snapshots.toggleViewAction())

    win.addToolBarBreak()
    win.tempo_bar = bar = TempoBar(win.doc, win, midi_clock_input=hub.midi)
    bar.message.connect(win.status)
    hub.midi.clock_feed = bar.midi_clock.feed
    win.addToolBar(bar)
    win.snapshots_panel.clock = lambda: (bar.beat(), win.doc.graph.tempo.beats_per_bar,
                                         bar.is_playing())


def close(win) -> None:
    if getattr(win, "controllers", None) is not None:
        win.controllers.close()
    if getattr(win, "tempo_bar", None) is not None:
        win.tempo_bar.close()
