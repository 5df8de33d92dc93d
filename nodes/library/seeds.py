"""Seed patterns: how an engine's world starts (and restarts).

A Seed node outputs a recipe; the engine generates the pattern on the host
with its own deterministic generator whenever it (re)starts, then uploads it.
Sizes are fractions of the grid, and per-pixel noise is drawn at the 512 scale (one
value a cell of grid/512 px above 512), so a seed looks the same at any resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..spec import E, F, I, Kind, Node, Port

PATTERNS = ("blobs", "random", "ring", "dense", "sparse", "cluster", "disc", "superdisc", "spots")


def _grid(h: int, w: int | None = None):
    w = h if w is None else w
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    return y, x


def _hw(shape) -> tuple[int, int]:
    """(h, w) of a grid given as n (square) or (h, w)."""
    if isinstance(shape, (int, np.integer)):
        return int(shape), int(shape)
    return int(shape[0]), int(shape[1])


def _gauss(y, x, cy, cx, sigma):
    d2 = (y - cy) ** 2 + (x - cx) ** 2
    return np.exp(-0.5 * d2 / (sigma * sigma))


#: the grid side at which a seed's per-pixel noise is drawn one value a pixel
NOISE_GRID = 512


def cell_noise(h: int, w: int, draw):
    """Per-pixel noise at the 512 scale: ``draw(shape)`` (e.g. ``lambda s: rng.random(s)``)
    gives one value a pixel on grids whose shorter side is 512 or less (exactly the
    draw of a plain per-pixel field) and, on larger grids, one value a cell of
    ``min(h, w) / 512`` px, spread over the cell's pixels (4 x 4 at 2048).

    The engines' kernels scale with the grid, so they average a per-pixel field over 16x
    the pixels at 2048: its spatial noise, which breaks the seed's symmetry, would be 4x
    weaker relative to the organism (SmoothLife's rings broke into worms far later). Cells
    of a 512 pixel keep it what it is at 512."""
    s = min(h, w) / NOISE_GRID
    if s <= 1.0:
        return draw((h, w))
    ch, cw = int(np.ceil(h / s)), int(np.ceil(w / s))
    iy = np.minimum((np.arange(h) / s).astype(np.int64), ch - 1)
    ix = np.minimum((np.arange(w) / s).astype(np.int64), cw - 1)
    return draw((ch, cw))[iy[:, None], ix[None, :]]


@dataclass(frozen=True)
class SeedRecipe:
    pattern: str = "blobs"
    density: float = 0.6
    count: int = 8
    radius: float = 0.1  # fraction of the grid (meaning depends on the pattern)
    scatter: float = 0.2  # blob centre spread, fraction of the grid
    combine: str = "sum"
    noise: float = 0.0  # additive gaussian noise everywhere

    def generate(self, shape, rng: np.random.Generator) -> np.ndarray:
        """The pattern as a host float32 array in [0, 1]: ``shape`` is n (n x n) or (h, w).

        On a rectangular grid sizes are fractions of the shorter side n, positions and
        spreads fractions of each side, and distances from the centre elliptical (scaled
        to the shorter side), so a pattern that was a disc fills the frame as an ellipse."""
        h, w = _hw(shape)
        n = min(h, w)
        y, x = _grid(h, w)
        c = n / 2.0
        cy0, cx0 = h / 2.0, w / 2.0
        if h == w:
            d = np.sqrt((y - c) ** 2 + (x - c) ** 2)
        else:  # elliptical distance, in pixels of the shorter side
            d = np.sqrt(((y - cy0) * np.float32(c / cy0)) ** 2
                        + ((x - cx0) * np.float32(c / cx0)) ** 2)
        p = self.pattern
        if p in ("random", "dense"):
            rad = self.radius * n if p == "random" else n / 3.0
            dens = self.density if p == "random" else max(self.density, 0.8)
            a = (cell_noise(h, w, lambda sh: rng.random(sh, dtype=np.float32)) * dens
                 * np.exp(-0.5 * (d / (0.6 * rad)) ** 2))
        elif p == "blobs":
            a = np.zeros((h, w), np.float32)
            base = self.radius * n
            for _ in range(self.count):
                r = max(5.0 * n / 512, base * float(np.exp(rng.uniform(np.log(0.4), np.log(2.0)))))
                cy = float(np.clip(rng.normal(cy0, self.scatter * h), r, h - r))
                cx = float(np.clip(rng.normal(cx0, self.scatter * w), r, w - r))
                amp = self.density * rng.uniform(0.5, 1.0)
                g = amp * _gauss(y, x, cy, cx, r / 2.0)
                g *= cell_noise(h, w, lambda sh: rng.uniform(0.6, 1.0, sh)).astype(np.float32)
                a = np.maximum(a, g) if self.combine == "max" else a + g
        elif p == "ring":
            r0 = self.radius * n
            th = max(10.0 * n / 512, n / 50.0)
            a = 0.8 * np.exp(-0.5 * ((d - r0) / (th / 2)) ** 2)
            a *= cell_noise(h, w, lambda sh: rng.uniform(0.8, 1.0, sh)).astype(np.float32)
        elif p == "sparse":
            a = np.zeros((h, w), np.float32)
            s = 0.4 * n / 20.0
            for _ in range(self.count):
                if h == w:
                    cy, cx = rng.uniform(0.25 * n, 0.75 * n, 2)
                else:
                    cy, cx = rng.uniform(0.25, 0.75, 2) * (h, w)
                a = np.maximum(a, 0.7 * _gauss(y, x, cy, cx, s))
        elif p == "cluster":
            a = cluster((h, w), rng, radius_px=self.radius * n)
        elif p == "spots":
            a = np.zeros((h, w), np.float32)
            rad = max(2.0, self.radius * n)
            for _ in range(self.count):
                ang = rng.uniform(0, 2 * np.pi)
                u = np.sqrt(rng.uniform())
                if h == w:
                    dist = self.scatter * c * u
                    cy, cx = c + dist * np.sin(ang), c + dist * np.cos(ang)
                else:  # scattered over the ellipse fitted to the frame
                    cy = cy0 + self.scatter * cy0 * u * np.sin(ang)
                    cx = cx0 + self.scatter * cx0 * u * np.cos(ang)
                amp = self.density * rng.uniform(0.8, 1.0)
                # only the spot's bounding box (the pattern is drawn once per restart, but
                # 60 full-grid passes at 2048 would take a second)
                y0, y1 = max(0, int(cy - rad)), min(h, int(cy + rad) + 2)
                x0, x1 = max(0, int(cx - rad)), min(w, int(cx + rad) + 2)
                inside = (y[y0:y1, x0:x1] - cy) ** 2 + (x[y0:y1, x0:x1] - cx) ** 2 < rad * rad
                box = a[y0:y1, x0:x1]
                np.maximum(box, np.where(inside, amp, 0.0), out=box)
        elif p == "superdisc":
            rr = d / (self.radius * n)
            a = (cell_noise(h, w, lambda sh: rng.random(sh, dtype=np.float32)) * self.density
                 * np.exp(-0.5 * rr ** 4))
        elif p == "disc":
            r0 = self.radius * n
            edge = max(3.0, 0.02 * n)
            inner = d < r0
            a = np.where(inner, cell_noise(h, w, lambda sh: rng.uniform(0.7, 1.0, sh)),
                         0.0).astype(np.float32)
            fade = np.clip(1 - (d - r0) / edge, 0, 1) * (~inner)
            a += fade * cell_noise(h, w, lambda sh: rng.uniform(0, 0.3, sh)).astype(np.float32)
        else:  # pragma: no cover - validated by the enum
            raise ValueError(p)
        if self.noise > 0:
            a = a + cell_noise(h, w, lambda sh: rng.normal(0, self.noise, sh)).astype(np.float32)
        return np.clip(a, 0, 1).astype(np.float32)


def cluster_patch(shape, rng: np.random.Generator, radius_px: float | None = None,
                  disc: bool = False) -> tuple[int, int, np.ndarray]:
    """3-5 seeds scattered around a point near the centre (nucleation); ``shape`` is the
    grid, n or (h, w) (sizes follow the shorter side, offsets each side).

    Returns ``(y0, x0, patch)``: a small host array to add at ``[y0:, x0:]``,
    so that dropping a cluster costs a patch, not a full-grid pass.
    """
    h, w = _hw(shape)
    n = min(h, w)
    s = n / 512.0
    ccy = h // 2 + int(rng.integers(-int(0.08 * h), int(0.08 * h) + 1))
    ccx = w // 2 + int(rng.integers(-int(0.08 * w), int(0.08 * w) + 1))
    seeds = []
    for _ in range(int(rng.integers(3, 6))):
        cy = ccy + int(rng.integers(-int(0.04 * h), int(0.04 * h) + 1))
        cx = ccx + int(rng.integers(-int(0.04 * w), int(0.04 * w) + 1))
        if radius_px:
            r = max(4.0, radius_px * float(rng.uniform(0.8, 1.2)))
        else:
            r = max(8.0 * s, 12 * s + float(rng.integers(-2, 3)))
        seeds.append((cy, cx, r, float(rng.uniform(0.75, 0.95))))
    reach = int(max(2 * r for *_, r, _v in seeds)) + 2
    y0 = max(0, min(cy for cy, *_ in seeds) - reach)
    x0 = max(0, min(cx for _y, cx, *_ in seeds) - reach)
    y1 = min(h, max(cy for cy, *_ in seeds) + reach + 1)
    x1 = min(w, max(cx for _y, cx, *_ in seeds) + reach + 1)
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    patch = np.zeros((y1 - y0, x1 - x0), np.float32)
    for cy, cx, r, v in seeds:
        d = np.sqrt((yy - cy) ** 2 + (xx - cx) ** 2)
        if disc:
            patch += np.where(d < r, v, 0.0).astype(np.float32)
        else:
            patch += (0.9 * np.exp(-0.5 * (d / (r / 2.2)) ** 2) * (d < 2 * r)).astype(np.float32)
    return y0, x0, np.clip(patch, 0, 1)


def cluster(shape, rng: np.random.Generator, radius_px: float | None = None,
            disc: bool = False) -> np.ndarray:
    """A nucleation cluster as a full host array of the grid (n x n or (h, w))."""
    y0, x0, patch = cluster_patch(shape, rng, radius_px, disc)
    out = np.zeros(_hw(shape), np.float32)
    out[y0:y0 + patch.shape[0], x0:x0 + patch.shape[1]] = patch
    return out


class Seed(Node):
    type_id = "seed.pattern"
    title = "Seed"
    category = "Seeds"
    doc = ("Starting pattern for an engine. blobs: gaussian blobs around the centre; random: "
           "noise under a gaussian envelope; ring; dense (for large grids); sparse dots; "
           "cluster: a nucleation cluster; disc: a filled noisy disc; superdisc: noise under a "
           "flat-topped disc; spots: small discs scattered within 'scatter' of the half-size "
           "(Gray-Scott).")
    outputs = (Port("seed", Kind.SEED),)
    params = (
        E("pattern", "blobs", PATTERNS),
        F("density", 0.6, 0.0, 1.0),
        I("count", 8, 1, 64),
        F("radius", 0.1, 0.005, 0.5, doc="size as a fraction of the grid"),
        F("scatter", 0.2, 0.0, 1.0,
          doc="spread of blob centres (fraction of the grid; spots: of the half-size)"),
        E("combine", "sum", ("sum", "max")),
        F("noise", 0.0, 0.0, 0.2),
    )

    def process(self, ctx, inputs, params):
        return {"seed": SeedRecipe(**params)}


NODES = (Seed,)
