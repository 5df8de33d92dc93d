"""Controllers and tempo in the editor: MIDI learn, OSC in (real UDP), the Controls
panel, one undo step per gesture, a flood, the tempo bar."""

import logging
import math
import socket
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets

from graph_app.editor import live, live_controls, tempo_bar
from nodes import fileformat
from nodes.graph import Control

mido = pytest.importorskip("mido")
GRAPH = Path(__file__).resolve().parents[2] / "graphs" / "amoeba.graph"


@pytest.fixture
def win(make_window):
    w = make_window(str(GRAPH))
    yield w
    live.close(w)


def _cc(value, control=21, channel=0):
    return mido.Message("control_change", channel=channel, control=control, value=value)


def _free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _menu_entry(qtbot, open_menu, text):
    """Open a context menu and trigger its entry ``text`` (as a person would)."""
    seen = []

    def pick():
        m = QtWidgets.QApplication.activePopupWidget()
        if m is None:
            QtCore.QTimer.singleShot(20, pick)
            return
        seen.extend(a.text() for a in m.actions())
        act = next((a for a in m.actions() if a.text() == text), None)
        m.close()
        if act is not None:
            act.trigger()

    QtCore.QTimer.singleShot(20, pick)
    open_menu()
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    return seen


def _slider(win, nid, name):
    win.params.show_node(nid)
    return win.params.rows[name].slider


def test_midi_learn_from_the_slider_menu_then_a_gesture_is_one_undo_step(win, qtbot):
    hub = win.controllers
    slider = _slider(win, "bloom", "intensity")
    seen = _menu_entry(qtbot, lambda: slider.customContextMenuRequested.emit(QtCore.QPoint(4, 4)),
                       "MIDI Learn")
    assert "MIDI Learn" in seen and "OSC Learn" in seen
    assert hub.learner.active and "bloom.intensity" in win.controls_panel.learn_label.text()
    hub.midi.handle(mido.Message("clock"))  # clock messages never bind
    hub.midi.handle(_cc(64, control=21, channel=2))
    qtbot.waitUntil(lambda: bool(win.doc.graph.controls), timeout=2000)
    c = win.doc.graph.controls[0]
    assert (c.source, c.number, c.channel, c.node, c.param) == ("midi_cc", 21, 2, "bloom",
                                                                "intensity")
    assert win.controls_panel.table.rowCount() == 1
    assert "CC 21" in win.controls_panel.table.item(0, 0).text()
    before = win.doc.graph.param_value("bloom", "intensity")
    n_undo = win.doc.undo.count()
    events = []
    win.doc.model_event.connect(lambda e, p: e == "param_changed" and events.append(p["value"]))
    for v in range(0, 128, 8):  # a knob turned over ~0.3 s
        hub.midi.handle(_cc(v, channel=2))
        qtbot.wait(20)
    hub.midi.handle(_cc(127, channel=2))
    qtbot.waitUntil(lambda: win.doc.graph.param_value("bloom", "intensity") == 2.0, timeout=2000)
    assert len(events) > 3  # the preview followed along, not only the end
    assert win.params.rows["intensity"].slider.value() == slider.maximum()  # slider follows
    assert win.doc.undo.count() == n_undo + 1  # the whole gesture: one step
    win.undo_action.trigger()
    assert win.doc.graph.param_value("bloom", "intensity") == before
    # a later move (after a pause) is a new step
    qtbot.wait(int(live_controls.GESTURE_S * 1000) + 100)
    hub.midi.handle(_cc(0, channel=2))
    qtbot.waitUntil(lambda: win.doc.graph.param_value("bloom", "intensity") == 0.0, timeout=2000)
    assert win.doc.undo.count() == n_undo + 1  # the undone step was replaced by this one


def test_two_knobs_at_once_are_one_undo_step(win, qtbot):
    g = win.doc.graph
    g.controls += [Control("midi_cc", node="bloom", param="intensity", number=1),
                   Control("midi_cc", node="flow", param="swirl", number=2)]
    old = (g.param_value("bloom", "intensity"), g.param_value("flow", "swirl"))
    n = win.doc.undo.count()
    for v in range(0, 128, 16):
        win.controllers.midi.handle(_cc(v, 1))
        win.controllers.midi.handle(_cc(127 - v, 2))
        qtbot.wait(20)
    qtbot.waitUntil(lambda: not win.controllers.queue, timeout=2000)
    win.controllers.drain()
    assert win.doc.undo.count() == n + 1
    win.undo_action.trigger()
    assert (g.param_value("bloom", "intensity"), g.param_value("flow", "swirl")) == old


def test_notes_restart_and_toggle(win, qtbot):
    win.doc.graph.controls.append(Control("midi_note", action="restart", number=36))
    with qtbot.waitSignal(win.controllers.restart_requested, timeout=2000):
        win.controllers.midi.handle(mido.Message("note_on", note=36, velocity=100))
    # a note-off does not trigger again
    got = []
    win.controllers.restart_requested.connect(lambda: got.append(1))
    win.controllers.midi.handle(mido.Message("note_off", note=36))
    qtbot.wait(100)
    assert got == []


def test_controls_panel_delete_and_mappings_saved_in_the_file(win, qtbot, tmp_path):
    hub = win.controllers
    hub.bind(Control("midi_cc", node="bloom", param="intensity", number=7, curve=2.0))
    hub.bind(Control("osc", action="restart", address="/go"))
    assert win.controls_panel.table.rowCount() == 2
    path = tmp_path / "live.graph"
    win.file_save_as(str(path))
    assert [c.address for c in fileformat.load(path).controls] == [None, "/go"]
    win.controls_panel.table.selectRow(0)
    win.controls_panel.delete.click()
    assert [c.source for c in win.doc.graph.controls] == ["osc"]
    win.undo_action.trigger()
    assert len(win.doc.graph.controls) == 2 and win.controls_panel.table.rowCount() == 2


def test_osc_published_learn_and_malformed_over_udp(win, qtbot, caplog):
    from pythonosc.udp_client import SimpleUDPClient

    port = _free_port()
    win.controls_panel.osc_port.setValue(port)
    win.controls_panel.osc_port.editingFinished.emit()
    assert win.controllers.osc.port == port
    cl = SimpleUDPClient("127.0.0.1", port)
    g = win.doc.graph
    with caplog.at_level(logging.WARNING, logger="cagraph.controls"):
        for _ in range(3):  # each bad kind three times: one line per kind
            cl.send_message("/cagraph/bloom", "loud")
            cl.send_message("/cagraph/bloom", math.nan)
            cl.send_message("/cagraph/bloom", 99.0)
            cl.send_message("/cagraph/no_such_param", 1.0)
            cl.send_message("/cagraph/bloom", [])
            cl._sock.sendto(b"\x00garbage\xff", ("127.0.0.1", port))  # not OSC at all
        cl.send_message("/cagraph/bloom", 1.25)
        cl.send_message("/cagraph/palette", "sunset" if "sunset" in
                        g.nodes["palette"].spec.param("preset").choices else 0)
        qtbot.waitUntil(lambda: g.param_value("bloom", "intensity") == 1.25, timeout=3000)
    kinds = sorted(r.getMessage().split("(")[1].split(")")[0] for r in caplog.records)
    assert kinds == ["no value", "not finite", "out of range", "unknown address", "wrong type"]
    assert win.controllers.reporter.counts["out of range"] == 3
    # OSC learn from a published row's menu
    table = win.published.table
    row = next(i for i, p in enumerate(g.published) if p.name == "hue")
    rect = table.visualItemRect(table.item(row, 0))
    _menu_entry(qtbot, lambda: table.customContextMenuRequested.emit(rect.center()), "OSC Learn")
    cl.send_message("/cagraph/bloom", 1.0)  # a published address does not bind
    cl.send_message("/touchosc/fader3", 0.5)
    qtbot.waitUntil(lambda: bool(g.controls), timeout=3000)
    assert (g.controls[0].address, g.controls[0].param) == ("/touchosc/fader3", "hue")
    cl.send_message("/touchosc/fader3", 0.25)
    qtbot.waitUntil(lambda: g.param_value("colorize", "hue") == pytest.approx(0.25), timeout=3000)
    win.controls_panel.osc_port.setValue(0)
    win.controls_panel.osc_port.editingFinished.emit()
    assert win.controllers.osc.port == 0


def test_osc_flood_keeps_the_ui_responsive_and_the_final_value(win, qtbot):
    from pythonosc.udp_client import SimpleUDPClient

    port = _free_port()
    assert win.controls_panel.set_osc_port(port) is None
    g = win.doc.graph
    n_undo = win.doc.undo.count()
    ticks = []
    t = QtCore.QTimer()
    t.setInterval(10)
    t.timeout.connect(lambda: ticks.append(time.monotonic()))
    t.start()
    N, SECONDS = 2000, 2.0
    last = 0.125  # exact in OSC's float32

    def send():
        cl = SimpleUDPClient("127.0.0.1", port)
        t0 = time.monotonic()
        for i in range(N):
            cl.send_message("/cagraph/bloom", 2.0 * i / N)
            while time.monotonic() - t0 < i * SECONDS / N:
                time.sleep(0.0005)
        cl.send_message("/cagraph/bloom", last)

    th = threading.Thread(target=send)
    th.start()
    qtbot.waitUntil(lambda: not th.is_alive(), timeout=20000)
    qtbot.waitUntil(lambda: g.param_value("bloom", "intensity") == last, timeout=5000)
    t.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    print(f"flood: {win.controllers.events_seen} messages, UI timer max gap "
          f"{max(gaps) * 1000:.0f} ms")
    assert win.controllers.events_seen >= N * 0.95  # UDP on loopback: (almost) none lost
    assert max(gaps) < 0.5  # the UI kept running
    assert win.doc.undo.count() == n_undo + 1  # one gesture


def test_scope_session_follows_a_controller(win, qtbot):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scope_export"))
    from fake_server import FakeScope

    pid = "cagraph-amoeba"
    win.doc.graph.controls.append(Control("midi_cc", node="bloom", param="intensity", number=7))
    with FakeScope(installed={pid: {"id": pid, "config_schema": {"properties": {}}}}) as fake:
        win.scope_link_dialog(fake.url)
        qtbot.waitUntil(lambda: win.scope.connected and len(fake.params) == 1, timeout=10000)
        for v in [*range(0, 128, 4), 127]:
            win.controllers.midi.handle(_cc(v, 7))
        qtbot.waitUntil(lambda: fake.params[-1].get("bloom") == 2.0, timeout=10000)
        assert len(fake.params) < 10  # coalesced, not one request per message
        win.scope.disconnect()


def test_virtual_midi_port(win, qtbot):
    try:
        out = mido.open_output("cagraph-test-out", virtual=True)
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no virtual MIDI ports on this machine ({str(exc).splitlines()[0][:80]})")
    try:
        name = next(n for n in mido.get_input_names() if "cagraph-test-out" in n)
        assert win.controllers.midi.open(name) is None
        win.doc.graph.controls.append(Control("midi_cc", node="bloom", param="intensity",
                                              number=7))
        out.send(_cc(127, 7))
        qtbot.waitUntil(lambda: win.doc.graph.param_value("bloom", "intensity") == 2.0,
                        timeout=3000)
    finally:
        win.controllers.midi.close()
        out.close()


# -- tempo bar ------------------------------------------------------------------------------------

def test_bpm_is_an_undoable_edit_saved_in_the_file(win, qtbot, tmp_path):
    bar = win.tempo_bar
    assert bar.bpm.value() == 120.0
    bar.bpm.setValue(132.5)
    assert win.doc.graph.tempo.bpm == 132.5 and win.doc.dirty
    path = tmp_path / "t.graph"
    win.file_save_as(str(path))
    assert fileformat.load(path).tempo.bpm == 132.5
    win.undo_action.trigger()
    assert win.doc.graph.tempo.bpm == 120.0 and bar.bpm.value() == 120.0


def test_tap_tempo_and_play_stop(win, qtbot, monkeypatch):
    class Clock:
        now = 100.0

        @classmethod
        def monotonic(cls):
            return cls.now

    monkeypatch.setattr(tempo_bar, "time", Clock)
    bar = win.tempo_bar
    for _ in range(4):
        bar.tap_action.trigger()
        Clock.now += 0.4
    assert win.doc.graph.tempo.bpm == pytest.approx(150.0)
    Clock.now += 1.0
    bar._tick()
    b0 = bar.beat()
    assert b0 == pytest.approx(2.5 * 150 / 60 * 0.4 / 1.0, rel=0.5) or b0 > 0
    bar.play_action.trigger()  # stop
    assert bar.play_action.text().endswith("Play")
    Clock.now += 5.0
    assert bar.beat() == pytest.approx(b0)
    bar.play_action.trigger()  # play on from where it stopped
    Clock.now += 0.4
    assert bar.beat() == pytest.approx(b0 + 1.0)
    bar._tick()
    assert "●" in bar.beat_label.text()


def test_a_missing_tempo_source_package_is_a_status_line(win, qtbot, monkeypatch):
    monkeypatch.setattr(tempo_bar, "missing",
                        lambda m: "needs aalink: pip install 'cagraph[live]'" if m == "aalink"
                        else None)
    i = tempo_bar.SOURCES.index("Ableton Link")
    win.tempo_bar.source_combo.setCurrentIndex(i)
    win.tempo_bar.source_combo.activated.emit(i)
    assert "aalink" in win.statusBar().currentMessage()
    assert "cagraph[live]" in win.statusBar().currentMessage()
    assert win.tempo_bar.source == "Internal"
    assert win.tempo_bar.source_combo.currentText() == "Internal"


def test_midi_clock_drives_the_beat(win, qtbot):
    bar = win.tempo_bar
    assert bar.set_source("MIDI clock") is None
    hub = win.controllers
    hub.midi.handle(mido.Message("start"))
    for _ in range(48):
        hub.midi.handle(mido.Message("clock"))
    assert bar.beat() == pytest.approx(2.0) and bar.is_playing()
    assert bar.current_bpm() > 0
    hub.midi.handle(mido.Message("stop"))
    assert not bar.is_playing()


def test_missing_controller_packages_say_what_to_install(win, qtbot, monkeypatch):
    monkeypatch.setattr(live_controls, "missing",
                        lambda m: f"needs {m}: pip install 'cagraph[live]'"
                        if m in ("mido", "pythonosc") else None)
    panel = win.controls_panel
    panel.rescan.click()
    assert not panel.midi_combo.isEnabled() and "cagraph[live]" in panel.midi_combo.currentText()
    assert "cagraph[live]" in win.controllers.midi.open("any")
    panel.osc_port.setValue(_free_port())
    panel.osc_port.editingFinished.emit()
    assert "OSC input needs pythonosc" in win.statusBar().currentMessage()
    assert win.controllers.osc.port == 0 and panel.osc_port.value() == 0


def test_an_osc_port_in_use_is_a_status_line(win, qtbot):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 0))
    try:
        err = win.controls_panel.set_osc_port(s.getsockname()[1])
        assert err and f"OSC port {s.getsockname()[1]}" in win.statusBar().currentMessage()
        assert win.controllers.osc.port == 0
    finally:
        s.close()


def test_ableton_link_drives_the_beat(win, qtbot):
    pytest.importorskip("aalink")
    bar = win.tempo_bar
    try:
        assert bar.set_source("Ableton Link") is None
        qtbot.waitUntil(lambda: bar.link.state() is not None, timeout=3000)
        assert bar.current_bpm() == pytest.approx(120.0)
        b0 = bar.beat()
        qtbot.wait(300)
        assert bar.beat() > b0  # Link's beat runs
        bar._tick()
        assert "120.0" in bar.beat_label.text()
        assert bar.set_source("Internal") is None and bar.link is None
    finally:
        bar.close()
