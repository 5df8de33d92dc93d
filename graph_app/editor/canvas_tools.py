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


# -- framing ------------------------------------------------------------------------------

#: a node narrower than this on screen is unreadable (NodeGraphQt blanks it under ~70 px)
READABLE_NODE_PX = 80.0
#: below this NodeGraphQt draws nodes as blank boxes: Frame never zooms out further
PROXY_NODE_PX = 74.0
FRAME_MARGIN = 24.0


def readable_scale(nodes) -> float:
    """The zoom at which the median node is READABLE_NODE_PX wide on screen."""
    widths = sorted(n.view.width for n in nodes) or [160.0]
    return READABLE_NODE_PX / max(widths[len(widths) // 2], 1.0)


def frame_nodes(canvas, nodes) -> None:
    """Fit ``nodes`` into the view (never magnifying past 1:1); a graph too big to fit at a
    legible zoom is shown at the smallest legible one around its centre."""
    from PySide6 import QtCore

    if not nodes:
        return
    rect = QtCore.QRectF()
    for n in nodes:
        rect = rect.united(n.view.sceneBoundingRect())
    rect = rect.adjusted(-FRAME_MARGIN, -FRAME_MARGIN, FRAME_MARGIN, FRAME_MARGIN)
    v = canvas.viewer
    vp = v.viewport().rect()
    fit = min(vp.width() / max(rect.width(), 1.0), vp.height() / max(rect.height(), 1.0))
    widths = sorted(n.view.width for n in nodes)
    floor = PROXY_NODE_PX / max(widths[len(widths) // 2], 1.0)
    scale = min(1.0, max(fit, floor))
    c = rect.center()
    w, h = vp.width() / scale, vp.height() / scale
    v._scene_range = QtCore.QRectF(c.x() - w / 2, c.y() - h / 2, w, h)
    v._update_scene()


# -- auto layout ------------------------------------------------------------------------------

H_GAP = 40.0
V_GAP = 22.0


def _ranks(g) -> tuple[list[str], dict[str, int]]:
    from nodes.graph import topo_order

    try:
        order = topo_order(g)
    except Exception:  # noqa: BLE001 - cyclic/invalid: fall back to insertion order
        order = list(g.nodes)
    rank: dict[str, int] = {}
    for nid in order:
        ups = [rank.get(lk.src, 0) + 1 for lk in g.links_into(nid) if lk.src in rank]
        rank[nid] = max(ups, default=0)
    # pull every node right next to its nearest consumer (sources and chains alike), so a
    # link spans one column wherever the graph allows it
    for nid in reversed(order):
        downs = [rank[lk.dst] - 1 for lk in g.links_from(nid) if lk.dst in rank]
        if downs:
            rank[nid] = max(rank[nid], min(downs))
    return order, rank


def layout_positions(canvas) -> dict[str, list[float]]:
    """Columns by rank, left to right, compact (so a bundled graph fits a 1280x720 window
    legibly).  Within a column nodes are ordered by where their links go, and every
    node is right-aligned on its column's output edge when it feeds the next column only,
    so no wire crosses another node of its own column."""
    g = canvas.doc.graph
    order, rank = _ranks(g)
    cols: dict[int, list[str]] = {}
    for nid in order:
        cols.setdefault(rank[nid], []).append(nid)
    view = canvas._view
    new: dict[str, list[float]] = {}
    x = 0.0
    ypos: dict[str, float] = {}
    for r in sorted(cols):
        ids = cols[r]
        # order a column by the mean y of what it links to already (upstream columns), then
        # by its consumers' port order: fewer crossings and no wire through a neighbour
        def key(nid, r=r):
            ups = [ypos[lk.src] for lk in g.links_into(nid) if lk.src in ypos]
            return (sum(ups) / len(ups)) if ups else 0.0

        if r > min(cols):
            ids = sorted(ids, key=key)
        width = max(view[n].view.width for n in ids)
        y = 0.0
        for nid in ids:
            v = view[nid].view
            # right-align: every output port of the column on one edge, so wires leave
            # from the column's edge and never cross a wider neighbour
            new[nid] = [x + width - v.width, y]
            ypos[nid] = y + v.height / 2
            y += v.height + V_GAP
        off = -(y - V_GAP) / 2
        for nid in ids:
            new[nid][1] += off
            ypos[nid] += off
        x += width + H_GAP
    _clear_wires(canvas, new, rank)
    return new


def _port_offset(canvas, nid: str, port: str, output: bool) -> tuple[float, float]:
    node = canvas._view[nid]
    p = node.get_output(port) if output else node.get_input(port)
    if p is None:
        return (node.view.width if output else 0.0), node.view.height / 2
    c = p.view.sceneBoundingRect().center()
    o = node.view.scenePos()
    return c.x() - o.x(), c.y() - o.y()


def _wire_points(a, b, n: int = 48):
    """Points on a wire from a to b drawn as a horizontal-tangent cubic (NodeGraphQt's)."""
    (x1, y1), (x2, y2) = a, b
    d = abs(x2 - x1) / 2
    c1, c2 = (x1 + d, y1), (x2 - d, y2)
    pts = []
    for i in range(1, n):
        t = i / n
        u = 1 - t
        pts.append((u ** 3 * x1 + 3 * u * u * t * c1[0] + 3 * u * t * t * c2[0] + t ** 3 * x2,
                    u ** 3 * y1 + 3 * u * u * t * c1[1] + 3 * u * t * t * c2[1] + t ** 3 * y2))
    return pts


def _clear_wires(canvas, pos: dict[str, list[float]], rank: dict[str, int]) -> None:
    """Move a node that a wire would pass behind (a link skipping its column) down below
    that wire, with the nodes under it in its column, until no wire crosses a node."""
    g = canvas.doc.graph
    view = canvas._view
    size = {nid: (view[nid].view.width, view[nid].view.height) for nid in pos}
    offs = {}
    for lk in g.links:
        if lk.src in pos and lk.dst in pos:
            offs[lk] = (_port_offset(canvas, lk.src, lk.src_port, True),
                        _port_offset(canvas, lk.dst, lk.dst_port, False))
    pad = 4.0
    for _ in range(4 * len(pos) + 4):
        moved = False
        for lk, (oa, ob) in offs.items():
            a = (pos[lk.src][0] + oa[0], pos[lk.src][1] + oa[1])
            b = (pos[lk.dst][0] + ob[0], pos[lk.dst][1] + ob[1])
            pts = _wire_points(a, b)
            for nid, (x, y) in pos.items():
                if nid in (lk.src, lk.dst):
                    continue
                w, h = size[nid]
                hit = [py for px, py in pts if x - pad <= px <= x + w + pad
                       and y - pad <= py <= y + h + pad]
                if not hit:
                    continue
                dy = max(hit) + pad + 4 - y
                col = rank.get(nid)
                for other, p in pos.items():
                    if rank.get(other) == col and p[1] >= y:
                        p[1] += dy
                moved = True
                break
            if moved:
                break
        if not moved:
            return


def pipes_behind_nodes(canvas) -> list[tuple[str, str, str]]:
    """(link source, link destination, node) for every drawn wire that passes behind a node
    other than its two ends (sampled along the wire as NodeGraphQt draws it)."""
    from NodeGraphQt.qgraphics.pipe import PipeItem

    rects = {nid: n.view.sceneBoundingRect().adjusted(2, 2, -2, -2)
             for nid, n in canvas._view.items()}
    mid = canvas._mid
    out = []
    for it in canvas.viewer.scene().items():
        if not isinstance(it, PipeItem) or it.input_port is None or it.output_port is None:
            continue
        a, b = mid.get(it.output_port.node.id), mid.get(it.input_port.node.id)
        if a is None or b is None:
            continue
        path = it.mapToScene(it.path())
        for nid, r in rects.items():
            if nid in (a, b):
                continue
            if any(r.contains(path.pointAtPercent(t / 100.0)) for t in range(1, 100)):
                out.append((a, b, nid))
    return out
