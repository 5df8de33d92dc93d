"""Convolving only where the organism is: the CPU's FFT window.

An organism on black leaves most of its torus exactly 0 (amoeba at 1024: its non-zero
pixels fit a 750 x 630 box).  A kernel of radius m convolved with such a field is exactly
0 farther than m from every non-zero pixel, and inside the box grown by m on each side it
is the linear convolution of the box alone.  So an FFT over a window holding the box and
that margin (any size at least as large: the wrapped-around part of a circular
convolution then lands only on the zero margin) gives the potential where it can be
non-zero, for a fraction of the full FFTs' work; outside it the potential is 0.

:class:`ConvWindow` chooses that window.  Its size changes only when the box outgrows it,
or shrinks well inside it (each size needs its own kernel spectrum), and it is always a
product of 2, 3 and 5 (pocketfft's fastest lengths).  It declines (returns None, so the
caller runs the full FFT) when the box comes within m of the grid's edge (the torus wraps
there), or when the window would cover most of the grid anyway, and on grids under 512 x 512.

The window depends only on the state, so frames stay deterministic; the numbers inside it
differ from the full FFT's by rounding only (a different transform length).
"""

from __future__ import annotations

from collections import OrderedDict

#: a window this large a share of the grid (either axis) is not worth it: full FFTs
MAX_SHARE = 0.94
#: room added when a window grows, so that a moving organism keeps its size a while
SLACK = 0.05
#: a window shrinks once the box and margin need less than this share of it
SHRINK_BELOW = 0.7
#: smaller grids run the full FFT: there the window's own costs (finding the box, the
#: calls) outweigh what it saves (amoeba at 256: 5.4 ms a frame windowed, 4.9 full;
#: at 512: 9.2 against 11.8; benchmarks/conv_window_ab.py)
MIN_PIXELS = 512 * 512
#: kernel spectra kept (one per window size)
KEEP_SPECTRA = 4

EMPTY = (0, 0, 0, 0)  # no non-zero pixel: the potential is 0 everywhere


def smooth_len(n: int) -> int:
    """The smallest length >= n whose only prime factors are 2, 3 and 5."""
    n = max(1, int(n))
    while True:
        m = n
        for p in (2, 3, 5):
            while m % p == 0:
                m //= p
        if m == 1:
            return n
        n += 1


class ConvWindow:
    """The window of one engine's convolutions, and its kernel spectra by size."""

    def __init__(self):
        #: the window's size: state (a restart starts without one, so that a restarted
        #: take repeats the first one exactly)
        self.size: tuple[int, int] | None = None
        #: kernel spectra by (kernel, size): static work, shared by copies
        self.spectra: OrderedDict = OrderedDict()

    def __deepcopy__(self, memo):
        # a state snapshot (nodes/rescue.py) copies the size, not the cached spectra
        twin = ConvWindow()
        twin.size, twin.spectra = self.size, self.spectra
        return twin

    def place(self, box, margin: int, shape) -> tuple[int, int, int, int] | None:
        """``(y0, y1, x0, x1)`` for the non-zero ``box`` ``(r0, r1, c0, c1)`` (inclusive;
        None: all zero, gives :data:`EMPTY`) and a kernel of radius ``margin`` on a grid of
        ``shape``; None where the full FFT must run."""
        h, w = int(shape[0]), int(shape[1])
        if h * w < MIN_PIXELS:
            return None
        if box is None:
            return EMPTY
        r0, r1, c0, c1 = (int(v) for v in box)
        m = int(margin)
        if r0 - m < 0 or c0 - m < 0 or r1 + m >= h or c1 + m >= w:
            return None  # within a kernel of the edge: the torus wraps around there
        need_h, need_w = r1 - r0 + 1 + 2 * m, c1 - c0 + 1 + 2 * m
        size = self.size
        fits = size is not None and size[0] >= need_h and size[1] >= need_w
        small = size is not None and (need_h < SHRINK_BELOW * size[0]
                                      and need_w < SHRINK_BELOW * size[1])
        if not fits or small:
            size = (smooth_len(need_h + int(SLACK * need_h)),
                    smooth_len(need_w + int(SLACK * need_w)))
        if size[0] > MAX_SHARE * h or size[1] > MAX_SHARE * w:
            self.size = None
            return None
        self.size = size
        sh, sw = size
        # centred on the box, inside the grid (the box and its margin always stay inside)
        y0 = min(max((r0 + r1 + 1 - sh) // 2, 0), h - sh)
        x0 = min(max((c0 + c1 + 1 - sw) // 2, 0), w - sw)
        y0 = min(y0, r0 - m)
        x0 = min(x0, c0 - m)
        y0 = max(y0, r1 + m + 1 - sh)
        x0 = max(x0, c1 + m + 1 - sw)
        return y0, y0 + sh, x0, x0 + sw

    def spectrum(self, key, build):
        """The kernel spectrum for ``key`` (the kernel and the window size), made by
        ``build()`` when not kept; the last :data:`KEEP_SPECTRA` are kept."""
        hit = self.spectra.get(key)
        if hit is None:
            hit = self.spectra[key] = build()
            while len(self.spectra) > KEEP_SPECTRA:
                self.spectra.popitem(last=False)
        else:
            self.spectra.move_to_end(key)
        return hit
