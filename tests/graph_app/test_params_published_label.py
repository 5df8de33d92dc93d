"""The Parameters panel's ⇪ mark: a published row's label readable in a 1280x720 window
(the title whole, the control's name elided), a tooltip saying what the mark means, and
the mark on every kind of row (the palette's Preset choice had none)."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from editor_helpers import answer_modal, menu_action

PUBLISHED = {"preset": "palette", "custom_hue": "palette_hue",
             "custom_range": "palette_range", "custom_saturation": "palette_saturation",
             "custom_lightness": "palette_lightness"}


def _palette_at(make_window, qtbot, w, h):
    """The untitled amoeba copy at ``w`` x ``h``, its palette node selected (its preset
    and four custom numbers are published)."""
    win = make_window()
    win.resize(w, h)
    win.show()
    qtbot.waitExposed(win)
    menu_action(win, "Reset Layout", "View").trigger()
    win.canvas.select(["palette"])
    QtWidgets.QApplication.processEvents()
    assert (win.width(), win.height()) == (w, h)
    return win


def _right_click(label, entry: str) -> None:
    """Right-click ``label`` and choose ``entry`` from its menu (as a person does)."""
    def choose():
        m = QtWidgets.QApplication.activePopupWidget()
        if not isinstance(m, QtWidgets.QMenu):
            QtCore.QTimer.singleShot(20, choose)
            return
        act = next((a for a in m.actions() if a.text() == entry), None)
        m.close()
        assert act is not None, [a.text() for a in m.actions()]
        act.trigger()

    QtCore.QTimer.singleShot(20, choose)
    label.customContextMenuRequested.emit(label.rect().center())


def _fits(label) -> bool:
    return label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width()


def test_published_labels_are_readable_at_1280x720(make_window, qtbot):
    win = _palette_at(make_window, qtbot, 1280, 720)
    rows = win.params.rows
    shortened = 0
    for name, pub in PUBLISHED.items():
        lab, title = rows[name].label, rows[name].p.title
        assert lab.full_text() == f"{title}  ⇪ {pub}"
        # drawn whole in its width: the title whole, then the mark, then what fits of
        # the name ("palet…"), never a name cut mid-letter
        assert _fits(lab), (name, lab.text(), lab.width())
        assert lab.text().startswith(f"{title} ") and "⇪" in lab.text(), lab.text()
        rest = lab.text().split("⇪", 1)[1].strip()
        assert rest == pub or rest == "" or (rest.endswith("…") and pub.startswith(rest[:-1])), rest
        tip = lab.toolTip()
        assert f"Published as the control '{pub}'" in tip and "Scope" in tip, tip
        assert f"/cagraph/{pub}" in tip  # what the live controllers use
        if lab.text() != lab.full_text():
            shortened += 1
            assert tip.startswith(lab.full_text() + "\n"), tip  # the whole label, first
    assert rows["custom_hue"].compact  # the one-line rows of a short panel
    assert shortened >= 1  # "Custom saturation  ⇪ palette_saturation" is wider than the row
    # an unpublished row: its title, no mark, no word of publishing
    harm = rows["harm2"].label
    assert harm.text() == "2nd harmonic" and "⇪" not in harm.toolTip()
    win.doc.undo.clear()


def test_published_labels_stay_whole_at_1920x1080(make_window, qtbot):
    win = _palette_at(make_window, qtbot, 1920, 1080)
    for name, pub in PUBLISHED.items():
        lab = win.params.rows[name].label
        assert lab.text() == lab.full_text() == f"{lab._title}  ⇪ {pub}" and _fits(lab)
        assert not lab.toolTip().startswith(lab.full_text())  # nothing hidden to repeat
    assert not win.params.rows["custom_hue"].compact
    win.doc.undo.clear()


def test_the_preset_choice_shows_and_follows_its_mark(make_window, qtbot, monkeypatch):
    win = _palette_at(make_window, qtbot, 1280, 720)
    preset = win.params.rows["preset"]
    assert isinstance(preset.findChild(QtWidgets.QComboBox), QtWidgets.QComboBox)
    assert preset.label.text() == "Preset  ⇪ palette" and _fits(preset.label)
    assert "Published as the control 'palette'" in preset.label.toolTip()
    _right_click(preset.label, "Unpublish 'palette'")
    qtbot.waitUntil(lambda: "⇪" not in win.params.rows["preset"].label.text())
    lab = win.params.rows["preset"].label
    assert lab.text() == "Preset" and "Published" not in lab.toolTip()
    win.doc.undo.undo()
    assert win.params.rows["preset"].label.text() == "Preset  ⇪ palette"
    # publish it under another name through the dialog
    win.doc.undo.redo()

    def fill(d):
        d.findChild(QtWidgets.QLineEdit).setText("colours")
        d.accept()

    answer_modal(QtWidgets.QDialog, fill)
    _right_click(win.params.rows["preset"].label, "Publish for Scope…")
    qtbot.waitUntil(lambda: "⇪" in win.params.rows["preset"].label.text())
    lab = win.params.rows["preset"].label
    assert lab.full_text() == "Preset  ⇪ colours"
    assert "Published as the control 'colours'" in lab.toolTip()
    win.doc.undo.clear()


def test_a_toggle_row_shows_its_mark(make_window, qtbot):
    """A published checkbox (heartbeat's Sync to tempo) is marked as a slider is."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "graphs" / "heartbeat.graph"
    win = make_window(str(path))
    pub = next(p for p in win.doc.graph.published if p.name == "beat_sync")
    win.params.show_node(pub.node)
    row = win.params.rows[pub.param]
    assert isinstance(row.findChild(QtWidgets.QCheckBox), QtWidgets.QCheckBox)
    assert row.label.full_text().endswith("⇪ beat_sync")
    assert "Published as the control 'beat_sync'" in row.label.toolTip()
    win.doc.undo.clear()


def test_fit_label_shortens_the_name_before_the_title(qapp):
    from graph_app.editor.param_label import fit_label

    fm = QtGui.QFontMetrics(QtWidgets.QApplication.font())
    adv = fm.horizontalAdvance
    title, pub = "Custom saturation", "palette_saturation"

    def fit(width):
        got = fit_label(fm, title, pub, width)
        assert adv(got) <= width, (got, width)
        return got

    assert fit(10_000) == "Custom saturation  ⇪ palette_saturation"  # room: all of it
    got = fit(adv("Custom saturation ⇪ palett…"))  # the name elided, the title whole
    assert got.startswith("Custom saturation ⇪ pal") and got.endswith("…"), got
    assert fit(adv("Custom saturation ⇪ p…")) == "Custom saturation ⇪"  # "p…" says nothing
    got = fit(adv("Custom sa… ⇪"))  # a title wider than the row: elided, still marked
    assert got.startswith("Custom s") and got.endswith("… ⇪"), got
    assert fit_label(fm, "2nd harmonic", None, 10_000) == "2nd harmonic"
