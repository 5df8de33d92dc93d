"""Text that changes every preview frame (the fps line, a driven param's live value, the
tempo bar's beat) repaints its own label and never lays the window out again: each such
layout pass of the whole editor window cost the UI thread milliseconds per frame, and the
preview thread waited on it (issue 15 part 6)."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from editor_helpers import AMOEBA
from graph_app.editor.live_text import LiveText


class _LayoutRequests(QtCore.QObject):
    def __init__(self):
        super().__init__()
        self.seen = []

    def eventFilter(self, obj, ev):  # noqa: N802 - Qt API
        if ev.type() == QtCore.QEvent.LayoutRequest:
            self.seen.append(type(obj).__name__)
        return False


def test_a_live_text_repaints_without_a_layout_request(qtbot):
    box = QtWidgets.QWidget()
    lay = QtWidgets.QHBoxLayout(box)
    live = LiveText("—", template="999.9 fps")
    lay.addWidget(live)
    qtbot.addWidget(box)
    box.show()
    QtWidgets.QApplication.processEvents()
    wide = live.sizeHint().width()
    watch = _LayoutRequests()
    QtWidgets.QApplication.instance().installEventFilter(watch)
    try:
        for k in range(20):
            live.setText(f"{k * 11.1:.1f} fps")
            QtWidgets.QApplication.processEvents()
    finally:
        QtWidgets.QApplication.instance().removeEventFilter(watch)
    assert live.text() == "210.9 fps"
    assert watch.seen == []
    live.fit("a much longer template text for a new driver")
    assert live.sizeHint().width() > wide


def test_a_narrow_live_text_paints_its_longest_form_that_fits(qtbot):
    live = LiveText("—", template="999.9 fps shown · 999.9 made")
    qtbot.addWidget(live)
    fm = live.fontMetrics()
    live.setFixedWidth(fm.horizontalAdvance("12.5 fps · 30.0 made") + 4)
    live.show()
    QtWidgets.QApplication.processEvents()
    watch = _LayoutRequests()
    QtWidgets.QApplication.instance().installEventFilter(watch)
    try:
        live.set_forms("12.5 fps shown · 30.0 made", "12.5 fps · 30.0 made", "12/30 fps")
        live.repaint()
    finally:
        QtWidgets.QApplication.instance().removeEventFilter(watch)
    assert watch.seen == []
    assert live.text() == "12.5 fps shown · 30.0 made"  # the full text
    assert live.shown_text() == "12.5 fps · 30.0 made"
    live.setFixedWidth(fm.horizontalAdvance("12/3"))
    assert live.shown_text().endswith("…")  # none fits: the last form, elided


def test_a_running_preview_with_driven_params_lays_nothing_out(make_window, qtbot):
    # amoeba's engine has three LFO-driven params: with the engine selected, each preview
    # frame updates the fps line and three live values, and the beat clock ticks
    win = make_window(str(AMOEBA), size=64)
    engine = next(n for n, nd in win.doc.graph.nodes.items() if nd.type.startswith("engine."))
    win.canvas.select([engine])
    win.show()
    win.worker.start(win.doc.graph)
    qtbot.waitUntil(lambda: win.preview.frames_shown >= 3, timeout=60000)
    driven = [r for r in win.params.rows.values() if getattr(r, "_driver", "")]
    assert len(driven) >= 3
    watch = _LayoutRequests()
    app = QtWidgets.QApplication.instance()
    app.installEventFilter(watch)
    try:
        start = win.preview.frames_shown
        qtbot.waitUntil(lambda: win.preview.frames_shown >= start + 20, timeout=60000)
        qtbot.wait(1100)  # the beat clock (120 bpm) changes its dots at least twice
    finally:
        app.removeEventFilter(watch)
    assert all("∿" in r.live.text() for r in driven)  # the live values are shown
    assert "fps shown" in win.preview.fps_label.text()
    assert watch.seen == [], f"layout requests while the preview ran: {watch.seen}"
