"""Gray-Scott keeps its organism's shape at every grid size (issue 15, part 1).

The presets are tuned at 512 px; with ``scale_diffusion`` the engine multiplies du, dv by
res_scale^2 (splitting a substep into m steps of dt = 1/m where that exceeds 1), so the
pattern wavelength grows with the grid.  At 512 nothing changes, and graphs saved before
engine v3 keep their fixed-pixel patterns.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import nodes
from nodes.backend import get_backend
from nodes.library.engines import GS_MIN_DIFFUSION, GrayScott, grayscott_rates
from nodes.spec import Context
from nodes_helpers import DATA_DIR, GRAPHS_DIR, params_of


class _Ctx(Context):
    """A context whose grid is tuned at ``base`` px instead of 512, so small test grids
    run the scaling the engine does between 512 and 1024/2048 (res_scale 1, 2, 4)."""

    base = 64

    @property
    def res_scale(self) -> float:
        return self.size / self.base


def _plain_field(size: int, steps: int, base: int = 64, scale: bool = True, cells: int = 16):
    """V after ``steps`` substeps of a plain field (uniform feed, no flow, no ramp) from
    the same coarse seed pattern, drawn at the grid's size."""
    ctx = _Ctx(get_backend("numpy"), size, size, size, 30.0)
    ctx.base = base
    node = GrayScott("g", 1)
    p = params_of(GrayScott, feed=0.029, kill=0.057, du=0.21, dv=0.105, warmup=0,
                  scale_diffusion=scale)
    node._start(ctx, None)
    coarse = (np.random.default_rng(3).random((cells, cells)) < 0.3).astype(np.float32)
    v = 0.25 * np.kron(coarse, np.ones((size // cells, size // cells), np.float32))
    node.state["A"][...] = v
    node.state["U"][...] = 1 - 2 * v
    for _ in range(steps // p["substeps"]):
        node.process(ctx, {}, p)
    return np.asarray(node.state["A"])


def _radial_peak(V) -> int:
    """Cycles per grid of the radial power spectrum's peak (the dominant wavelength is
    size / peak)."""
    n = V.shape[0]
    P = np.abs(np.fft.rfft2(V - V.mean())) ** 2
    ky = np.fft.fftfreq(n) * n
    kr = np.rint(np.hypot(ky[:, None], np.arange(P.shape[1])[None, :])).astype(int)
    radial = np.bincount(kr.ravel(), P.ravel())[: n // 2]
    radial[:2] = 0
    return int(np.argmax(radial))


def test_wavelength_scales_with_the_grid():
    """The same organism at twice the grid has twice the wavelength in pixels: the same
    spectral peak in cycles per grid (fixed-pixel diffusion would double it)."""
    k1 = _radial_peak(_plain_field(64, 1000))
    k2 = _radial_peak(_plain_field(128, 1000))
    assert k1 >= 6  # a pattern, not the seed's blocks
    assert abs(k2 - k1) <= 0.25 * k1, (k1, k2)
    k_fixed = _radial_peak(_plain_field(128, 1000, scale=False))
    assert k_fixed > 1.5 * k1, (k1, k_fixed)  # what the test tells apart


def test_split_steps_keep_a_large_scale_stable():
    """At res_scale 4 (2048 for the presets) du * s^2 = 3.36 would blow up one dt = 1 step:
    the engine runs 4 steps of dt = 1/4 and the field stays a smooth living pattern."""
    du, dv, m = grayscott_rates(0.21, 0.105, 4.0, True)
    assert (m, du) == (4, pytest.approx(3.36))
    V = _plain_field(128, 200, base=32, cells=4)
    assert np.isfinite(V).all() and 0.01 < float(V.mean()) < 0.5
    # no grid-scale checkerboard (what an unstable step makes): neighbours stay close
    assert float(np.abs(np.diff(V, axis=1)).max()) < 0.1


def test_rates():
    assert grayscott_rates(0.21, 0.105, 1.0, True) == (0.21, 0.105, 1)
    assert grayscott_rates(0.21, 0.105, 2.0, False) == (0.21, 0.105, 1)
    du, dv, m = grayscott_rates(0.21, 0.105, 2.0, True)
    assert (du, dv, m) == (pytest.approx(0.84), pytest.approx(0.42), 1)
    du, dv, m = grayscott_rates(0.21, 0.105, 0.5, True)  # stops at the lattice limit
    assert du == pytest.approx(GS_MIN_DIFFUSION) and dv == pytest.approx(GS_MIN_DIFFUSION / 2)
    assert grayscott_rates(0.1, 0.05, 0.5, True) == (0.1, 0.05, 1)  # already finer: kept


def test_a_512_frame_is_unchanged():
    """At 512 (res_scale 1) scaling changes nothing, bit for bit."""
    be = get_backend("numpy")
    fields = []
    for scale in (True, False):
        ctx = Context(be, 512, 512, 512, 30.0)
        node = GrayScott("g", 1)
        p = params_of(GrayScott, warmup=0, scale_diffusion=scale)
        for _ in range(3):
            node.process(ctx, {}, p)
        fields.append(np.asarray(node.state["A"]).copy())
    assert np.array_equal(*fields)


def test_old_files_keep_fixed_pixel_patterns_new_ones_scale():
    doc = json.loads((DATA_DIR / "v2_grayscott.graph").read_text())
    assert [n["version"] < 3 for n in doc["nodes"] if n["type"] == "engine.grayscott"] == [True]
    g = nodes.loads(json.dumps(doc))
    eng = g.nodes["engine"]
    assert eng.version == 3 and eng.params["scale_diffusion"] is False
    # the bundled presets are v3 files that scale (the default)
    lab = nodes.load(GRAPHS_DIR / "labyrinth.graph").nodes["engine"]
    assert lab.version == 3 and lab.params.get("scale_diffusion", True) is True
