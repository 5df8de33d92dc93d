"""The preview hands the UI a frame shrunk to the view (block means), not the full frame:
the UI thread's paint then scales a small image.  Snapshots keep the full frame."""

import numpy as np


def test_a_frame_much_larger_than_the_view_is_painted_from_its_block_means(qapp):
    from nodes.kernels import ref
    from graph_app.editor.preview import PreviewWorker

    w = PreviewWorker(size=64)
    rgb8 = np.random.default_rng(3).integers(0, 256, (512, 320, 3), dtype=np.uint8)
    assert w.display_image(rgb8).size().toTuple() == (320, 512)  # no view yet: as it is
    w.set_view_size(200, 400)  # drawn 200 x 320 (width-bound): under twice, as it is
    assert w.display_image(rgb8).size().toTuple() == (320, 512)
    w.set_view_size(60, 200)  # drawn 60 x 96: blocks of 5 (64 x 102)
    img = w.display_image(rgb8)
    k = 5
    assert img.size().toTuple() == (320 // k, 512 // k)
    assert img.width() >= 60 and img.height() >= 96  # never smaller than it is drawn
    got = np.frombuffer(img.constBits(), np.uint32).reshape(img.height(), -1)[:, :img.width()]
    np.testing.assert_array_equal(got, ref.shrink_rgb8(rgb8, k))


def test_the_running_preview_paints_a_small_image_and_snapshots_the_full_frame(make_window,
                                                                                qtbot):
    w = make_window(preview=True, size=512)
    w.resize(1280, 720)
    w.show()
    qtbot.waitUntil(lambda: w.preview.frames_shown > 3, timeout=60_000)
    view = w.preview.view
    qtbot.waitUntil(lambda: view.image is not None and view.image.width() < 512, timeout=10_000)
    dpr = view.devicePixelRatioF()
    assert view.image.width() >= min(view.width(), view.height()) * dpr  # not blurred
    assert w.preview.last_rgb8.shape == (512, 512, 3)


def test_a_new_frame_repaints_the_view_not_the_panel_behind_it(make_window, qtbot):
    """The view fills its whole rect on every paint (opaque): a frame must not make Qt
    paint the preview panel (and its dock) under the picture again."""
    from PySide6 import QtCore

    w = make_window(preview=True, size=64)
    w.resize(1280, 720)
    w.show()
    qtbot.waitUntil(lambda: w.preview.frames_shown > 2, timeout=60_000)
    view, panel = w.preview.view, w.preview
    inside = QtCore.QRect(view.mapTo(panel, QtCore.QPoint(0, 0)), view.size()).adjusted(
        8, 40, -8, -8)  # clear of the HUD's box in the corner

    class Count(QtCore.QObject):
        panel_under_view = 0
        view_paints = 0

        def eventFilter(self, obj, ev):  # noqa: N802 - Qt API
            if ev.type() == QtCore.QEvent.Paint:
                if obj is panel and ev.region().intersects(inside):
                    self.panel_under_view += 1
                if obj is view:
                    self.view_paints += 1
            return False

    c = Count()
    panel.installEventFilter(c)
    view.installEventFilter(c)
    shown = w.preview.frames_shown
    qtbot.waitUntil(lambda: w.preview.frames_shown > shown + 5, timeout=60_000)
    panel.removeEventFilter(c)
    view.removeEventFilter(c)
    assert c.view_paints >= 5
    assert c.panel_under_view == 0
