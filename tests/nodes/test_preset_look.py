"""Pixel checks of how some bundled presets look at the start of a take (issue 15, part 1):
highlights that keep their detail, organisms with structure on black rather than a disc
filled with texture.  256 x 256, a few frames after the take's pre-roll; ~5 s each."""

from __future__ import annotations

import numpy as np
import pytest
from nodes_helpers import GRAPHS_DIR

SIZE = 256


def _take_frame(stem: str, frames: int = 3, size: int = SIZE) -> np.ndarray:
    import nodes

    rt = nodes.Runtime(nodes.load(GRAPHS_DIR / f"{stem}.graph"), backend="numpy", size=size,
                       seed=0, preroll=nodes.START_PREROLL)
    for _ in range(frames):
        rgb = rt.step()
    return np.clip(np.asarray(rgb, dtype=np.float32), 0.0, 1.0)


def _lit(rgb: np.ndarray) -> np.ndarray:
    return rgb.max(axis=2) > 0.1


@pytest.mark.parametrize("stem", ["tide_pool", "lava_lamp", "mnca_hunt"])
def test_highlights_keep_detail(stem):
    # the share of the organism's (lit) pixels above 0.9 in a channel: flat clipped colour.
    # Before: tide_pool's full-strength red tint at brightness 1.05 put 24 % there (flat
    # reds and magentas), lava_lamp's blue tint at 1.6 21 % (flat cyan cells), mnca_hunt's
    # glow at 1.6 30 % (flat yellow bodies); now 3.5 %, 4 %, 7 %
    rgb = _take_frame(stem)
    lit = _lit(rgb)
    assert lit.mean() > 0.05, f"{stem}: the organism is missing"
    hot = (rgb.max(axis=2) > 0.9)[lit].mean()
    assert hot < 0.10, f"{stem}: {hot:.1%} of the organism's pixels are near clipping"


@pytest.mark.parametrize("stem,bound", [("mnca_worm", 0.70)])
def test_mnca_organism_is_not_a_filled_disc(stem, bound):
    # inside the containment disc (r < 0.3 of the half-size) the organism has black between
    # its worms / cells; before, mnca_worm lit 100 % of it (a disc of stripes)
    rgb = _take_frame(stem)
    n = SIZE
    yy, xx = np.mgrid[:n, :n]
    inner = np.hypot(yy - n / 2 + 0.5, xx - n / 2 + 0.5) < 0.3 * n / 2
    lit = _lit(rgb)
    assert lit.mean() > 0.01, f"{stem}: the organism is missing"
    filled = lit[inner].mean()
    assert filled < bound, f"{stem}: {filled:.0%} of the containment disc is lit"


def _plateau_share(rgb: np.ndarray) -> float:
    """Share of the lit pixels that lie in a flat plateau (5 x 5 neighbourhood variance ~0)."""
    from numpy.lib.stride_tricks import sliding_window_view

    f = rgb.max(axis=2)
    lit = f > 0.1
    var = sliding_window_view(np.pad(f, 2, mode="edge"), (5, 5)).var(axis=(2, 3))
    return float(((var < 2e-4) & lit).sum() / max(int(lit.sum()), 1))


@pytest.mark.parametrize("stem", ["tentacles", "labyrinth"])
def test_grayscott_rim_has_no_flat_lobes(stem):
    # the Feed Ramp's rising feed crossed Gray-Scott's uniform V-rich phase over a wide ring:
    # the pattern flooded it into smooth flat lobes (tentacles: 10 % of its lit pixels,
    # a solid green rim band; labyrinth: 5 %, white / blue lobes); gain 20: ~0 %
    rgb = _take_frame(stem)
    assert _lit(rgb).mean() > 0.05, f"{stem}: the organism is missing"
    flat = _plateau_share(rgb)
    assert flat < 0.02, f"{stem}: {flat:.1%} of the lit pixels are a flat plateau"


def _top_colour_share(rgb: np.ndarray) -> float:
    """Share of the lit pixels in the most common colour (16 levels a channel): one flat
    colour over much of the organism."""
    lit = _lit(rgb)
    q = np.minimum((rgb[lit] * 16).astype(np.int64), 15)
    counts = np.bincount(q[:, 0] * 256 + q[:, 1] * 16 + q[:, 2], minlength=4096)
    return float(counts.max() / max(int(lit.sum()), 1))


def test_deep_sea_crest_is_shaded_not_flat():
    # at 512 (where it showed; Gray-Scott at 512 is quick) brightness 1.8 clipped the
    # labyrinth's crest into flat saturated cyan, and the gain-5 Feed Ramp flooded two flat
    # lobes at the rim. Before: 38 % of the lit pixels above 0.9, 20 % in one colour,
    # 3.4 % a flat plateau; now 5 %, 5 %, 0.04 %
    rgb = _take_frame("deep_sea", size=512)
    lit = _lit(rgb)
    assert lit.mean() > 0.05, "deep_sea: the organism is missing"
    hot = (rgb.max(axis=2) > 0.9)[lit].mean()
    assert hot < 0.10, f"deep_sea: {hot:.1%} of the lit pixels are near clipping"
    top = _top_colour_share(rgb)
    assert top < 0.10, f"deep_sea: {top:.1%} of the lit pixels are one flat colour"
    flat = _plateau_share(rgb)
    assert flat < 0.015, f"deep_sea: {flat:.1%} of the lit pixels are a flat plateau"
