"""Rectangular simulation grids (format v4 ``meta.grid``): the organism fills a frame that
is not square (Krea's 576 x 320) instead of a disc between black bars, and a square grid
gives the frames it always gave."""

from __future__ import annotations

import numpy as np
import pytest

import nodes
from nodes import GraphError, Runtime
from nodes.library.flow import BASES, basis
from nodes.library.life import radius_grid
from nodes.library.seeds import SeedRecipe, cluster_patch

from nodes_helpers import GRAPHS_DIR


def lit_span(frame: np.ndarray, thr: float = 0.08) -> tuple[float, float]:
    """Fractions of the frame's width and height between the first and last column (row)
    that has more than 2 % of its pixels lit."""
    lit = frame.max(axis=2) > thr
    cols = np.flatnonzero(lit.mean(axis=0) > 0.02)
    rows = np.flatnonzero(lit.mean(axis=1) > 0.02)
    sx = (cols[-1] - cols[0] + 1) / lit.shape[1] if cols.size else 0.0
    sy = (rows[-1] - rows[0] + 1) / lit.shape[0] if rows.size else 0.0
    return sx, sy


def test_a_square_grid_given_as_a_grid_gives_the_square_frames():
    g = nodes.load(GRAPHS_DIR / "amoeba.graph")
    a = Runtime(g, backend="numpy", size=64)
    b = Runtime(nodes.load(GRAPHS_DIR / "amoeba.graph"), backend="numpy", grid=(64, 64))
    for _ in range(3):
        np.testing.assert_array_equal(a.step(), b.step())


@pytest.mark.parametrize("name", ["amoeba", "labyrinth", "reef"])
def test_a_rectangular_render_fills_its_frame(name):
    """At 192 x 112 the organism is alive and its lit area spans the frame's width as it
    spans its height; the square simulation contained in that frame leaves side bars
    (the Output's fit, the same for every engine: checked on amoeba, as Gray-Scott's runs
    simulate at 512 and more, see nodes.sim_grid)."""
    rect = Runtime(nodes.load(GRAPHS_DIR / f"{name}.graph"), backend="numpy", grid=(192, 112),
                   preroll=nodes.START_PREROLL)
    for _ in range(6):
        rect.step()
    fr = rect.output_host()
    assert fr.shape == (112, 192, 3)
    lit = (fr.max(axis=2) > 0.08).mean()
    assert 0.05 < lit < 0.9, lit  # alive, not flooded
    sx, sy = lit_span(fr)
    assert sx > 0.5 and sx > 0.7 * sy, (sx, sy)
    if name == "amoeba":
        square = Runtime(nodes.load(GRAPHS_DIR / f"{name}.graph"), backend="numpy", size=112,
                         width=192, height=112, preroll=nodes.START_PREROLL)
        for _ in range(6):
            square.step()
        fs = square.output_host()
        assert fs.shape == (112, 192, 3)
        qx, _ = lit_span(fs)
        assert sx > qx + 0.08, (sx, qx)
    # the world itself is the frame's shape (Gray-Scott: a whole multiple of it, the
    # smallest whose shorter side reaches the 512 its organism needs; nodes.sim_grid)
    k = rect.lift
    assert (k == 1) == (name == "amoeba") and rect.grid == (192 * k, 112 * k)
    assert rect.values[("engine", "field")].shape == (112 * k, 192 * k)


def test_containment_and_flow_are_shaped_to_the_frame():
    x, y, r = radius_grid(48, 96)
    assert r.shape == (48, 96)
    # r = 1 at the middle of every edge: an ellipse fitted to the frame
    assert abs(r[24, 0] - 1) < 0.03 and abs(r[0, 48] - 1) < 0.03
    for name in BASES:  # a square grid's bases are those it always had
        np.testing.assert_array_equal(basis(name, 32), basis(name, 32, 32))
    v = basis("rotate", 48, 96)
    assert v.shape == (2, 48, 96)
    # rotation runs along the ellipses of constant r: no component across them
    gy, gx = np.gradient(r)
    inner = (r > 0.2) & (r < 0.9)
    along = np.abs(v[0] * gy + v[1] * gx)[inner]
    assert float(along.mean()) < 0.02 * float(np.hypot(v[0], v[1])[inner].mean() *
                                             np.hypot(gy, gx)[inner].mean()) * 10
    # and keeps the speed of the square field's pattern (the length of each vector)
    b0 = basis("rotate", 48)
    assert abs(float(np.hypot(v[0], v[1]).max()) - float(np.hypot(b0[0], b0[1]).max())) < 0.05


def test_seeds_fill_the_ellipse_and_clusters_stay_inside():
    rng = np.random.default_rng(3)
    a = SeedRecipe("superdisc", density=1.0, radius=0.3).generate((48, 96), rng)
    assert a.shape == (48, 96)
    cols = np.flatnonzero((a > 0.05).mean(axis=0) > 0.05)
    rows = np.flatnonzero((a > 0.05).mean(axis=1) > 0.05)
    assert (cols[-1] - cols[0]) / 96 > 0.8 * (rows[-1] - rows[0]) / 48  # as wide as high
    # the square form is what it always was
    np.testing.assert_array_equal(SeedRecipe().generate(64, np.random.default_rng(1)),
                                  SeedRecipe().generate((64, 64), np.random.default_rng(1)))
    for seed in range(20):
        y0, x0, p = cluster_patch((48, 160), np.random.default_rng(seed))
        assert y0 >= 0 and x0 >= 0 and y0 + p.shape[0] <= 48 and x0 + p.shape[1] <= 160


def test_bad_grids_are_one_clear_error():
    g = nodes.load(GRAPHS_DIR / "amoeba.graph")
    for grid in ((100, 64), (64, 0), (64, 9000)):
        with pytest.raises(GraphError) as exc:
            Runtime(g, backend="numpy", grid=grid, source="amoeba.graph")
        assert "grid" in str(exc.value) and "amoeba.graph" in str(exc.value)


def test_roundness_squares_the_containment_towards_the_frame():
    from nodes.library.life import frame_radius

    _, _, r = radius_grid(48, 96)
    np.testing.assert_array_equal(frame_radius(48, 96, 2.0), r)  # the ellipse, bit for bit
    r6 = frame_radius(48, 96, 6.0)
    assert abs(r6[24, 0] - 1) < 0.03 and abs(r6[0, 48] - 1) < 0.03  # same edge midpoints
    assert (r6 < 0.8).mean() > (r < 0.8).mean() + 0.1  # the corners are inside too
    g = nodes.load(GRAPHS_DIR / "amoeba.graph")
    cid = next(n.id for n in g.nodes.values() if n.type == "life.containment")
    rt = Runtime(g, backend="numpy", grid=(96, 48))
    rt.step()
    m2 = np.asarray(rt.values[(cid, "mask")]).copy()
    rt.set_param(cid, "roundness", 6.0)
    rt.step()
    m6 = np.asarray(rt.values[(cid, "mask")])
    assert m6.shape == (48, 96) and m6.mean() > m2.mean()  # corners kept more alive
    assert m6[38, 76] > m2[38, 76]
