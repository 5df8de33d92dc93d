"""Frames hand their parallel loops out in small row chunks (kernels.cpu.begin_frame):
the frames must not depend on it, and the thread's own scheduling comes back after."""

import threading
from pathlib import Path

import numpy as np
import pytest

import nodes

cpu = pytest.importorskip("nodes.kernels.cpu")
numba = pytest.importorskip("numba")

GRAPHS = Path(__file__).resolve().parents[2] / "graphs"


def _frames(stem, chunk, monkeypatch, n=6):
    monkeypatch.setattr(cpu, "ROW_CHUNK", chunk)
    rt = nodes.Runtime(nodes.load(GRAPHS / f"{stem}.graph"), backend="numpy", size=64, seed=3)
    return [np.array(rt.step()) for _ in range(n)]


# one graph per engine, with flow, bloom, thickness and the colour stages among them
@pytest.mark.parametrize("stem", ["amoeba", "labyrinth", "sl_chaos", "mnca_coral"])
def test_chunked_rows_give_the_frames_equal_shares_give(stem, monkeypatch):
    # 64 rows in chunks of 1: the two threads take rows in whatever order they come
    chunked = _frames(stem, 1, monkeypatch)
    shares = _frames(stem, 0, monkeypatch)
    for a, b in zip(chunked, shares):
        assert np.array_equal(a, b)
    assert np.ptp(chunked[-1]) > 0  # a picture, not a blank


def test_a_frame_gives_the_thread_its_scheduling_back():
    seen = {}

    def run():
        numba.set_parallel_chunksize(0)
        be = nodes.backend.get_backend("numpy")
        be.begin_frame()
        seen["frame"] = numba.get_parallel_chunksize()
        be.begin_frame()  # a frame inside a frame (a thumbnail's runtime, say)
        be.end_frame()
        seen["inner ended"] = numba.get_parallel_chunksize()
        be.end_frame()
        seen["after"] = numba.get_parallel_chunksize()

    t = threading.Thread(target=run)  # chunk sizes are per thread in numba
    t.start()
    t.join()
    assert seen == {"frame": cpu.ROW_CHUNK, "inner ended": cpu.ROW_CHUNK, "after": 0}
    assert cpu.ROW_CHUNK > 0
