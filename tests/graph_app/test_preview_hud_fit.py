"""The preview's HUD stays on the picture: at any view shape (a square frame in a wide
view, a Krea frame in a tall one, a narrow view) its backing is inside the drawn image,
its text elided to fit; nothing of it lands on the bars beside the picture."""

from __future__ import annotations

import numpy as np
import pytest

HUD_TEXT = "29.9 fps   frame 140   512² → 256×256 → 576×320   output   ● REC 12/300"
BACKGROUND = (13, 14, 18)  # the view's own fill (#0d0e12) beside the picture


@pytest.mark.parametrize("view, frame", [
    ((400, 200), (64, 64)),     # a square frame centred in a wide view: bars left and right
    ((200, 400), (576, 320)),   # a Krea frame in a tall view: bars above and below
    ((200, 200), (576, 320)),   # the smallest view: the text is much wider than the picture
    ((220, 1000), (832, 480)),  # a picture shorter than the view by far
])
def test_the_hud_backing_stays_inside_the_drawn_picture(qtbot, view, frame):
    from graph_app.editor.preview import PreviewView, rgb8_to_qimage

    v = PreviewView()
    qtbot.addWidget(v)
    v.resize(*view)
    v.image = rgb8_to_qimage(np.full((frame[1], frame[0], 3), 255, np.uint8))  # white
    v.hud = HUD_TEXT
    img = v.grab().toImage()
    a = np.array([[img.pixelColor(x, y).getRgb()[:3] for x in range(v.width())]
                  for y in range(v.height())], np.uint8)
    # the picture: the frame scaled to fit, centred (the white and its outline)
    s = min(view[0] / frame[0], view[1] / frame[1])
    w, h = int(frame[0] * s), int(frame[1] * s)
    x0, y0 = (view[0] - w) // 2, (view[1] - h) // 2
    off = np.ones(a.shape[:2], bool)
    off[y0:y0 + h, x0:x0 + w] = False
    # every pixel off the picture is the view's plain background: no HUD there
    stray = np.argwhere(off & (a != BACKGROUND).any(axis=2))
    assert off.any() and not len(stray), f"HUD pixels beside the picture, e.g. {stray[:3]}"
    pic, box = v.image_rect, v.hud_rect
    assert pic.getRect() == (x0, y0, w, h)
    assert not box.isEmpty() and pic.contains(box), (pic, box)
    # and the HUD is there on the picture: dark backing over the white frame
    assert a[box.top() + 2, box.left() + 2].max() < 90


def test_without_a_picture_the_hud_sits_top_left_of_the_view(qtbot):
    from graph_app.editor.preview import PreviewView

    v = PreviewView()
    qtbot.addWidget(v)
    v.resize(300, 200)
    v.hud = "no output"
    v.grab()
    assert v.image_rect.isEmpty() and v.hud_rect.topLeft().toTuple() == (4, 4)
