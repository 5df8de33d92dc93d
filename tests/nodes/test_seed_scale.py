"""A seed's per-pixel noise is drawn at the 512 scale (issue 15, part 1: the same organism at
every size).  The engines' kernels scale with the grid, so a field drawn one value a pixel
is averaged over 16x the pixels at 2048 and its noise, which breaks the seed's symmetry, is
4x weaker there (sl_worms at 2048 was still concentric rings where 512 had broken into
worms).  Up to 512 the seeds are exactly what they were."""

from __future__ import annotations

import numpy as np
import pytest

from nodes.library import seeds
from nodes.library.seeds import PATTERNS, SeedRecipe

NOISY = ("random", "disc", "blobs", "ring", "superdisc")


def _box(a: np.ndarray, k: int) -> np.ndarray:
    h, w = a.shape
    return a.reshape(h // k, k, w // k, k).mean(axis=(1, 3))


def _grain(a: np.ndarray) -> float:
    """The pixel-scale roughness of a 512 field: std of a minus its 3x3 mean, in the
    middle where every pattern has its noise."""
    p = np.pad(a, 1, mode="edge")
    mean3 = sum(p[1 + dy:1 + dy + a.shape[0], 1 + dx:1 + dx + a.shape[1]]
                for dy in (-1, 0, 1) for dx in (-1, 0, 1)) / 9.0
    c = slice(192, 320)
    return float((a - mean3)[c, c].std())


@pytest.mark.parametrize("pattern", NOISY)
def test_noise_seen_at_512_scale_does_not_fade_on_larger_grids(pattern):
    """The 1024 and 1536 seeds box-averaged to 512 are as rough as the 512 seed (per-pixel
    noise averaged 2x2 / 3x3 would be 1/2 / 1/3 as rough: 0.5 and 0.33 on the old code)."""
    r = SeedRecipe(pattern, density=0.8, radius=0.25, noise=0.05)
    base = _grain(r.generate(512, np.random.default_rng(5)))
    for n in (1024, 1536):
        ratio = _grain(_box(r.generate(n, np.random.default_rng(5)), n // 512)) / base
        assert 0.85 < ratio < 1.15, (pattern, n, ratio)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_seeds_up_to_512_are_drawn_a_pixel_each_as_before(pattern, monkeypatch):
    """At 512 and below (square or not) every seed is bit for bit the per-pixel draw it
    always was, so frames there are unchanged."""
    r = SeedRecipe(pattern, density=0.7, count=5, radius=0.2, noise=0.05)
    shapes = (64, 256, 512, (320, 576), (512, 928))
    now = [r.generate(s, np.random.default_rng(3)) for s in shapes]
    monkeypatch.setattr(seeds, "cell_noise", lambda h, w, draw: draw((h, w)))
    for s, a in zip(shapes, now):
        b = r.generate(s, np.random.default_rng(3))
        assert a.dtype == b.dtype == np.float32
        np.testing.assert_array_equal(a, b, err_msg=f"{pattern} {s}")


def test_cell_noise_cells():
    """Cells of min(h, w) / 512 px: 2 x 2 at 1024; a 1536 x 1024 grid draws 768 x 512
    values; per pixel at and below 512."""
    calls = []

    def draw(shape):
        calls.append(shape)
        return np.arange(shape[0] * shape[1], dtype=np.float32).reshape(shape)

    a = seeds.cell_noise(1024, 1536, draw)
    assert calls[-1] == (512, 768) and a.shape == (1024, 1536)
    np.testing.assert_array_equal(a, np.repeat(np.repeat(draw((512, 768)), 2, 0), 2, 1))
    assert seeds.cell_noise(512, 928, draw).shape == (512, 928) and calls[-1] == (512, 928)
    b = seeds.cell_noise(720, 720, draw)  # 1.40625 px cells: every cell 1 or 2 px
    assert calls[-1] == (512, 512) and b.shape == (720, 720)
    assert set(np.unique(np.diff(b[0])).tolist()) <= {0.0, 1.0}
