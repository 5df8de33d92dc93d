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
    # the preview's runtime follows the bar: the file's tempo, and the clock it shows
    # (internal, Link or MIDI clock; play/stop; a tap's downbeat)
    win.doc.model_event.connect(lambda e, _p: e == "tempo_changed" and win.worker.set_tempo(
        win.doc.graph.tempo.bpm, win.doc.graph.tempo.beats_per_bar))
    bar.clock_changed.connect(lambda bpm, beat, playing: win.worker.sync_tempo(
        **beat_state(bpm, beat, win.doc.graph.tempo.beats_per_bar, playing)))


def beat_state(bpm: float, beat: float, beats_per_bar: int, playing: bool) -> dict:
    """A beat position as Scope's tempo kwargs (what ``Runtime.sync_tempo`` takes)."""
    return {"bpm": bpm, "beat_phase": beat % 1.0, "bar_position": beat % beats_per_bar,
            "beat_count": int(beat // 1), "is_playing": playing}


def close(win) -> None:
    if getattr(win, "controllers", None) is not None:
        win.controllers.close()
    if getattr(win, "tempo_bar", None) is not None:
        win.tempo_bar.close()
