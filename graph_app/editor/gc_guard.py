"""Python's cycle collector, kept on the GUI thread while the editor runs.

The collector runs in whichever thread happens to allocate when a generation's threshold
trips.  The editor has many Python threads (the preview, thumbnails, the recorder, OSC,
Link, the Scope client).  When one of them trips the collector and the garbage holds a Qt
wrapper (a closed dialog caught in a reference cycle), Qt destroys that object off the GUI
thread and the process can crash.  CI saw it: a segmentation fault "Garbage-collecting" in
the cagraph-preview thread.

While any holder is alive (an editor window, or a test), automatic collection is off, and a
GUI-thread timer collects instead, generation by generation, when Python's own thresholds
say a collection is due.  When the last holder lets go, collection is switched back on and
one full collection runs, here, on the GUI thread.
"""

from __future__ import annotations

import gc
import threading

from PySide6 import QtCore

#: how often the GUI thread checks whether a collection is due
INTERVAL_MS = 200

_holders = 0
_was_enabled = True
_timer: QtCore.QTimer | None = None


#: objects in the oldest generation after its last collection here (CPython's
#: ``long_lived_total``)
_long_lived = 0


def collect_due() -> int | None:
    """Collect the oldest generation whose count is over its threshold, as the interpreter
    would have; returns the generation collected, or None.

    Like CPython, the oldest generation (the whole heap: Qt, numba, the modules; a full
    pass takes ~100 ms here) is only collected once the objects that reached it since its
    last collection make up a quarter of those that survived it; until then its turn
    goes to the generation below."""
    counts, limits = gc.get_count(), gc.get_threshold()
    n = min(len(counts), len(limits))
    gen = None
    for g in range(n):
        if limits[g] and counts[g] > limits[g]:
            gen = g
        else:
            break
    if gen is None:
        return None
    oldest = n - 1
    if gen == oldest and gen > 0:
        grown = len(gc.get_objects(generation=oldest)) - _long_lived
        if grown < _long_lived / 4:
            gen -= 1
    gc.collect(gen)
    if gen == oldest:
        _note_survivors()
    return gen


def _note_survivors() -> None:
    """After a full pass: the oldest generation's size, for :func:`collect_due`'s rule."""
    global _long_lived
    _long_lived = len(gc.get_objects(generation=len(gc.get_count()) - 1))


class Hold:
    """One holder; ``release()`` may be called more than once."""

    def __init__(self):
        self._held = False
        _acquire()
        self._held = True

    def release(self) -> None:
        if self._held:
            self._held = False
            _release()


def hold() -> Hold:
    """Keep collection on the GUI thread until the returned Hold is released; call it
    from the GUI thread, with a QCoreApplication made."""
    return Hold()


def reset() -> None:
    """Drop every hold (a test's teardown): collection back on, one full run here."""
    global _holders
    if _holders:
        _holders = 1
        _release()


def _acquire() -> None:
    global _holders, _was_enabled, _timer
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("gc_guard.hold() is for the GUI thread")
    if _holders == 0:
        _was_enabled = gc.isenabled()
        gc.disable()
        if _timer is None:
            _timer = QtCore.QTimer()  # the GUI thread's; no parent, so it outlives nothing
            _timer.setInterval(INTERVAL_MS)
            _timer.timeout.connect(collect_due)
        _timer.start()
    _holders += 1


def _release() -> None:
    global _holders
    _holders -= 1
    if _holders == 0:
        if _timer is not None:
            _timer.stop()
        if _was_enabled:
            gc.enable()
        gc.collect()
        _note_survivors()
