"""Per-frame cost of the tempo clock: the runtime's Clock, a Beat Clock node and synced
LFOs, against a frame of a preset at 512.  Prints the figures (issue 13: under 1 % of a
frame at 512).

    python benchmarks/live_cost.py [--frames N] [--lfos K] [--preset amoeba] [--no-frame]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nodes import Graph, Runtime, load  # noqa: E402
from nodes.tempo import Clock  # noqa: E402


def _per_frame(rt: Runtime, frames: int) -> float:
    t0 = time.perf_counter()
    for _ in range(frames):
        rt.step()
    return (time.perf_counter() - t0) / frames


def signal_graph(lfos: int, synced: bool) -> Graph:
    g = Graph()
    if synced:
        g.add_node("signal.beat_clock", "beat", dict(division="1/4", shape="exp"))
    for i in range(lfos):
        g.add_node("signal.lfo", f"lfo{i}", dict(sync=synced, division="1 bar", phase=i / lfos))
    return g


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--frames", type=int, default=20000)
    ap.add_argument("--lfos", type=int, default=4, help="synced LFOs in the graph")
    ap.add_argument("--preset", default="amoeba", help="the preset whose 512 frame is 100 %%")
    ap.add_argument("--no-frame", action="store_true", help="skip timing the preset frame")
    args = ap.parse_args(argv)

    c = Clock(128)
    n = args.frames
    t0 = time.perf_counter()
    for k in range(n):
        c.set_time(k / 30)
        c.beat_phase, c.bar_position, c.beat_count  # noqa: B018 - what a node reads
    clock_us = (time.perf_counter() - t0) / n * 1e6
    t0 = time.perf_counter()
    for k in range(n):
        c.sync(bpm=128, beat_phase=(k * 0.07) % 1, bar_position=(k * 0.07) % 4,
               beat_count=int(k * 0.07), is_playing=True)
    sync_us = (time.perf_counter() - t0) / n * 1e6

    free = Runtime(signal_graph(args.lfos, False), backend="numpy", size=16)
    synced = Runtime(signal_graph(args.lfos, True), backend="numpy", size=16)
    _per_frame(free, 200), _per_frame(synced, 200)
    free_us = _per_frame(free, n) * 1e6
    synced_us = _per_frame(synced, n) * 1e6
    extra_us = synced_us - free_us

    print(f"clock position per frame (set_time + phase, bar, count): {clock_us:.2f} us")
    print(f"sync_tempo per call (Scope's five kwargs):               {sync_us:.2f} us")
    print(f"{args.lfos} free LFOs per frame (runtime, no clock nodes):      {free_us:.1f} us")
    print(f"Beat Clock + {args.lfos} synced LFOs per frame:                  {synced_us:.1f} us")
    print(f"tempo's extra per frame:                                {extra_us:.1f} us")
    if not args.no_frame:
        root = Path(__file__).resolve().parents[1]
        rt = Runtime(load(root / "graphs" / f"{args.preset}.graph"), backend="numpy", size=512)
        _per_frame(rt, 3)
        frame_ms = _per_frame(rt, 10) * 1e3
        extra = (extra_us + sync_us) / 1e3
        allin = (synced_us + sync_us) / 1e3
        print(f"{args.preset} frame at 512 (numpy):                          {frame_ms:.1f} ms")
        print(f"tempo's extra + a sync per frame:                       "
              f"{100 * extra / frame_ms:.3f} % of that frame")
        print(f"all in (sync, Beat Clock, {args.lfos} synced LFOs with their runtime): "
              f"{100 * allin / frame_ms:.3f} % of that frame")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
