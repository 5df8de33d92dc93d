"""Preview settings keep the organism: the frame-shape and size combo boxes, as a person
uses them, neither restart the organism nor reset the frame counter."""

from __future__ import annotations

from pathlib import Path

import numpy as np

AMOEBA = Path(__file__).resolve().parents[2] / "graphs" / "amoeba.graph"


def _frame(win):
    return win.preview.last_info.get("frame", -1)


def _alive(img) -> bool:
    return img is not None and float(img.std()) > 4.0 and img.max() > 40


def test_frame_shape_and_size_switches_keep_the_organism(make_window, qtbot):
    win = make_window(str(AMOEBA), preview=True, size=64)
    pv = win.preview
    qtbot.waitUntil(lambda: _frame(win) >= 10, timeout=30000)
    n0 = _frame(win)
    A0 = win.worker._rt.nodes["engine"].state["A"].copy()
    # frame shape: Krea's 576x320, the same organism goes on
    pv.frame_box.setCurrentIndex(pv.frame_box.findText("576×320"))
    qtbot.waitUntil(lambda: pv.last_rgb8 is not None and pv.last_rgb8.shape == (320, 576, 3),
                    timeout=20000)
    assert _frame(win) > n0, (n0, _frame(win))
    assert _alive(pv.last_rgb8[:, 128:448])
    n1 = _frame(win)
    # size: 512 px (the box shows 64 for this 64 px test preview), resampled onto it
    pv.size_box.setCurrentIndex(pv.size_box.findData(512))
    qtbot.waitUntil(lambda: win.worker._rt is not None and win.worker._rt.size == 512
                    and pv.last_info.get("size") == 512, timeout=30000)
    assert _frame(win) > n1
    A1 = win.worker._rt.nodes["engine"].state["A"]
    assert A1.shape == (512, 512)
    assert abs(float(A1.mean()) - float(A0.mean())) < 0.1  # the same organism, not a reseed
    assert _alive(pv.last_rgb8)
    # Restart still starts afresh
    n2 = win.worker._rt.frame
    pv.restart_btn.click()
    qtbot.waitUntil(lambda: win.worker._rt.frame < n2 and win.worker._rt.shown <= 1,
                    timeout=20000)
    assert win.worker.stop(5)
    assert np.isfinite(A0).all()
