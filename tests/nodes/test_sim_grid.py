"""A Gray-Scott or MNCA graph asked for a grid below 512 simulates on a whole multiple of it
and its frame is averaged back down (nodes.sim_grid, issue 15 part 1): a 256 deep_sea is the
512 maze scaled, not the coarser stripes the 256 grid itself can draw, and a 256 mnca_hunt
the 512 colony, not a grainy other one; a Lenia kernel under 6 px at 256 (heartbeat's R 10)
likewise.  SmoothLife, Lenia with the presets' other radii, and Gray-Scott nodes saved
before engine v3, run the grid asked for."""

from __future__ import annotations

import numpy as np
import pytest

import nodes
from nodes import sim_grid
from nodes_helpers import DATA_DIR, GRAPHS_DIR

FRAMES = 4


def _frames(rt, n=FRAMES):
    out = []
    for _ in range(n):
        rt.step()
        out.append(rt.output_host())
    return out


def _box(a, k):
    h, w, c = a.shape
    return a.reshape(h // k, k, w // k, k, c).mean(axis=(1, 3))


def test_a_256_gray_scott_frame_is_the_512_run_scaled_down():
    g = nodes.load(GRAPHS_DIR / "deep_sea.graph")
    small = nodes.Runtime(g, backend="numpy", size=256)
    big = nodes.Runtime(g.copy(), backend="numpy", size=512)
    for a, b in zip(_frames(small), _frames(big)):
        assert a.shape == (256, 256, 3)
        # before: the 256 grid simulated its own (coarser) organism, nowhere near this
        diff = float(np.abs(a - _box(b, 2)).max())
        assert diff < 1e-5, f"the 256 frame is not the 512 one scaled down (off by {diff:.3f})"
    assert (small.asked_grid, small.lift, small.grid) == ((256, 256), 2, (512, 512))
    assert (small.width, small.height) == (256, 256) and big.lift == 1


def test_a_256_mnca_frame_is_the_512_run_scaled_down():
    # a new-user trial: mnca_hunt at 256 was grainy, with blocky edges and a cup-shaped
    # body where 512 grows a bean (the halved rings under sharp rules: another organism)
    g = nodes.load(GRAPHS_DIR / "mnca_hunt.graph")
    small = nodes.Runtime(g, backend="numpy", size=256)
    big = nodes.Runtime(g.copy(), backend="numpy", size=512)
    assert (small.lift, small.grid) == (2, (512, 512))
    for a, b in zip(_frames(small, 2), _frames(big, 2)):
        assert a.shape == (256, 256, 3)
        diff = float(np.abs(a - _box(b, 2)).max())
        assert diff < 1e-5, f"the 256 frame is not the 512 one scaled down (off by {diff:.3f})"


def test_a_rectangular_grid_keeps_its_shape():
    g = nodes.load(GRAPHS_DIR / "medusa.graph")
    rt = nodes.Runtime(g, backend="numpy", grid=(320, 256))
    assert (rt.lift, rt.grid, (rt.width, rt.height)) == (2, (640, 512), (320, 256))
    ref = nodes.Runtime(g.copy(), backend="numpy", grid=(640, 512))
    a, b = _frames(rt, 1)[0], _frames(ref, 1)[0]
    assert a.shape == (256, 320, 3)
    assert float(np.abs(a - _box(b, 2)).max()) < 1e-5
    # a frame of another shape: the asked grid's frame, fitted as the Output's fit says
    rt = nodes.Runtime(g.copy(), backend="numpy", size=256, width=288, height=160)
    assert rt.grid == (512, 512) and rt.output_host() is None
    assert _frames(rt, 1)[0].shape == (160, 288, 3)


def test_lift_factor_is_the_smallest_whole_number_reaching_512():
    g = nodes.load(GRAPHS_DIR / "labyrinth.graph")
    assert sim_grid.min_grid(g) == 512
    assert [sim_grid.lift_factor(g, (s, s)) for s in (64, 160, 256, 384, 512, 1024)] == [
        8, 4, 2, 2, 1, 1]
    assert sim_grid.lift_factor(g, (576, 320)) == 2
    assert sim_grid.lift_factor(g, (8192, 16)) == 1  # no side beyond 8192
    assert "Gray-Scott needs at least 512 px to draw its pattern" in sim_grid.why(g)
    # MNCA declares it too, and the reason names it (its own title and min_grid)
    g = nodes.load(GRAPHS_DIR / "mnca_coral.graph")
    assert sim_grid.min_grid(g) == 512 and sim_grid.lift_factor(g, (256, 256)) == 2
    assert sim_grid.why(g) == "MNCA needs at least 512 px to draw its pattern"


@pytest.mark.parametrize("stem", ["amoeba", "sl_gliders"])
def test_other_engines_run_the_grid_asked(stem):
    g = nodes.load(GRAPHS_DIR / f"{stem}.graph")
    assert sim_grid.min_grid(g) == 0 and sim_grid.why(g) == ""
    rt = nodes.Runtime(g, backend="numpy", size=128)
    assert (rt.lift, rt.grid, rt.ctx.lift) == (1, (128, 128), 1)


def _coherence(frame, sigma):
    """Mean local orientation coherence (structure tensor) where the frame has edges: near 1
    for stripes, lower for round cells."""
    from scipy.ndimage import gaussian_filter

    img = frame.astype(np.float64).mean(axis=2)
    gy, gx = np.gradient(img)
    jxx, jyy, jxy = (gaussian_filter(a, sigma) for a in (gx * gx, gy * gy, gx * gy))
    lam, tr = np.sqrt((jxx - jyy) ** 2 + 4 * jxy ** 2), jxx + jyy
    m = tr > 0.05 * tr.max()
    return float((lam[m] / tr[m]).mean())


def test_heartbeat_at_256_draws_the_512_cells_not_stripes():
    # heartbeat's kernel (R 10 @512) is 5 px at 256, where the disc tiled in stripes
    # (coherence 0.54 at frame 200) that 512 draws as round cells (0.33)
    g = nodes.load(GRAPHS_DIR / "heartbeat.graph")
    assert sim_grid.min_grid(g) == 308 and sim_grid.why(g) == \
        "Lenia needs at least 308 px to draw its pattern"
    assert sim_grid.lift_factor(g, (576, 320)) == 1  # Krea's frame: 6.25 px, drawn as it is
    small = nodes.Runtime(g, backend="numpy", size=256)
    big = nodes.Runtime(g.copy(), backend="numpy", size=512)
    assert (small.lift, small.grid) == (2, (512, 512))
    a, b = _frames(small, 200)[-1], _frames(big, 200)[-1]
    ca, cb = _coherence(a, 2.0), _coherence(b, 4.0)
    assert ca < 0.4 and abs(ca - cb) < 0.05, (ca, cb)


def test_gray_scott_saved_before_v3_keeps_its_grid():
    g = nodes.loads((DATA_DIR / "v2_grayscott.graph").read_text())
    assert g.nodes["engine"].params["scale_diffusion"] is False
    assert nodes.Runtime(g, backend="numpy", size=128).grid == (128, 128)


def test_an_edit_that_changes_the_grid_is_flagged():
    g = nodes.load(GRAPHS_DIR / "reef.graph")
    rt = nodes.Runtime(g, backend="numpy", size=256)
    assert rt.lift == 2 and not rt.regrid_needed
    rt.set_param("engine", "scale_diffusion", False)  # pixel-sized: the 256 grid will do
    assert rt.regrid_needed
    assert nodes.Runtime(rt.graph, backend="numpy", size=256).lift == 1
    rt.set_param("engine", "scale_diffusion", True)
    assert not rt.regrid_needed
    # an edit that takes Gray-Scott out of the graph: compile says the grid changes
    rt.graph = nodes.load(GRAPHS_DIR / "amoeba.graph")
    rt.compile()
    assert rt.regrid_needed
