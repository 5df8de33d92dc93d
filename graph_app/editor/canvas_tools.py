"""Canvas helpers kept out of the window: where a paste lands."""

from __future__ import annotations

from PySide6 import QtGui


def paste_target(canvas) -> tuple[float, float]:
    """The scene point under the mouse, or the view's centre when the mouse is elsewhere."""
    vp = canvas.viewer.viewport()
    local = vp.mapFromGlobal(QtGui.QCursor.pos())
    if vp.rect().contains(local):
        p = canvas.viewer.mapToScene(local)
        return p.x(), p.y()
    return canvas.view_center()


def paste_offset(canvas, clip: dict) -> tuple[float, float]:
    """The shift that puts a clipboard's nodes (their top-left corner) at the paste target."""
    xs, ys = [], []
    for r in clip.get("nodes") or []:
        pos = (r.get("ui") or {}).get("pos") if isinstance(r, dict) and \
            isinstance(r.get("ui"), dict) else None
        if isinstance(pos, (list, tuple)) and len(pos) == 2 and \
                all(isinstance(v, (int, float)) for v in pos):
            xs.append(float(pos[0]))
            ys.append(float(pos[1]))
    tx, ty = paste_target(canvas)
    if not xs:
        return tx, ty
    return tx - min(xs), ty - min(ys)
