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
