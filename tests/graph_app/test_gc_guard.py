"""The cycle collector never runs on the editor's worker threads (gc_guard.py).

CI crashed with a segmentation fault "Garbage-collecting" in the preview thread: a
collection tripped there destroyed Qt objects off the GUI thread.
"""

import gc
import threading
import time


def _garbage(n=60_000):
    for _ in range(n):
        a = []
        a.append(a)  # a cycle only the collector frees


def test_while_a_window_is_open_only_the_gui_thread_collects(make_window, qtbot):
    from graph_app.editor import gc_guard

    gc_guard.reset()  # only the window holds now
    assert gc.isenabled()
    w = make_window(preview=True, size=32)
    assert not gc.isenabled()
    where = []

    def seen(phase, info):
        if phase == "start":
            where.append(threading.current_thread().name)

    gc.callbacks.append(seen)
    try:
        t = threading.Thread(target=_garbage, name="busy-worker")
        t.start()
        t.join()
        qtbot.waitUntil(lambda: w.preview.frames_shown > 3, timeout=60_000)
        end = time.monotonic() + 3 * gc_guard.INTERVAL_MS / 1000
        while time.monotonic() < end:
            qtbot.wait(20)
    finally:
        gc.callbacks.remove(seen)
    assert where, "nothing collected the garbage"
    assert set(where) == {threading.main_thread().name}, where
    w.doc.undo.clear()
    w.close()
    assert gc.isenabled()  # the last holder let go


def test_the_whole_heap_is_collected_only_once_it_has_grown_by_a_quarter():
    # CPython's own rule for its oldest generation; a full pass over the editor's heap
    # costs ~100 ms of the UI thread, and a plain threshold count would run one every
    # couple of seconds
    from graph_app.editor import gc_guard

    gens = []

    def seen(phase, info):
        if phase == "start":
            gens.append(info["generation"])

    def churn(n):  # n x 750 cycles of garbage, collected as the guard's timer would
        for _ in range(n):
            for _ in range(750):
                a = []
                a.append(a)
            while gc_guard.collect_due() is not None:
                pass

    gc.collect()
    gc_guard._long_lived = len(gc.get_objects(generation=2))
    gc.disable()
    gc.callbacks.append(seen)
    try:
        churn(500)  # hundreds of young passes, tens of middle ones: the oldest is due...
        first = list(gens)
        keep = [[] for _ in range(gc_guard._long_lived // 2)]  # ...then the heap grows
        churn(500)
    finally:
        gc.callbacks.remove(seen)
        gc.enable()
    assert first.count(1) > 10 and first.count(2) == 0, first  # ...but has not grown
    assert gens.count(2) >= 1, gens
    assert len(keep)
