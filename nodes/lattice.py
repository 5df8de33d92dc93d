"""Advection on the 512 lattice: a finer grid's transport blurs as a 512 grid's does.

An engine moves its world along a flow every step by a bilinear backward trace.  Each
trace blurs: a pixel traced to a fraction f between two pixels becomes their (1 - f, f)
mix, a spread of variance f (1 - f) px^2 per axis a step.  That spread is per pixel,
while the presets' sizes and flows are given at 512 and scale with the grid, so on a
grid s times finer the blur is s^2 times weaker relative to the organism (16x at 2048).
SmoothLife lives on it: sl_worms' rings break into worms at 512 within ~50 frames, but
at 2048 they stay whole rings for 200 frames and the organism stops growing
(benchmarks/worms_scale.py prints the figures).

Here the trace of a grid s times finer interpolates between pixels ``k = round(s)`` px
apart, the 512 lattice's pixels (the ``advect_lattice`` kernel, and ``advect_lattice_post``
fused with containment and perturbation): the same displacement, the 512 trace's
(1 - f, f) weights and spread, in 512 px.  ``k`` is 1 below 768 px (512 and smaller are
unchanged, bit for bit: the plain trace runs), 2 at 1024, 4 at 2048.  Only engines that
set ``lattice_advection`` trace so: SmoothLife, and Lenia (per pixel its presets came out
fuller and paler at 2048: heartbeat had 29 % of its lit pixels above 0.9 in a channel
against 9 % at 512, 15 % on the lattice; benchmarks/lenia_scale.py); MNCA and Gray-Scott
are unmeasured.  The kernel
spectra being drawn on the 512 lattice too made no difference (``--exp kernel512``).

Lenia convolves on the lattice too (``Lenia.lattice_potential``): its potential is the 512
kernel over the world's k x k block means (``downsample_box``), brought back to every pixel
bilinearly inside its growth (``lenia_growth_lattice``), so a 1024 step sees the potential
a 512 step would see of the same world.  Its FFTs are a quarter of the full grid's at 1024
and a sixteenth at 2048 (amoeba at 2048: 136 -> 74 ms a frame), and the presets' measures
stay where the per-pixel potential had them (benchmarks/lenia_scale.py).  The spacing is
:func:`spacing`, or the nearest smaller one that divides both sides of the grid.

Colour Signals takes its edge strength between the lattice's pixels too
(``colour.edge_spacing``): normalised by its peak, which a world's pixel-sharp fronts hold
where it is at 512, a 1 px difference left heartbeat's edge term at 2048 at 0.17 of the
peak against 0.42 at 512, and its colours hotter.

Qt-free; used by ``nodes.library.engines``.
"""

from __future__ import annotations

import numpy as np

#: the grid side the lattice is the pixel of (the presets' tuning size)
TUNED = 512


def spacing(size: int) -> int:
    """The lattice spacing in px for a grid whose shorter side is ``size``:
    round(size / 512), at least 1."""
    return max(1, int(np.floor(size / TUNED + 0.5)))


__all__ = ["TUNED", "spacing"]
