"""Per-frame cost of the A/B morph: ``Runtime.set_morph`` between two snapshots (the shipped
published-value ones of a preset, and two of every parameter) against a frame of the preset
at 512.  Prints the figures (issue 13: under 1 % of a frame at 512).

    python benchmarks/morph_cost.py [--preset amoeba] [--calls N] [--frames N] [--no-frame]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nodes import Runtime, load  # noqa: E402
from nodes.snapshots import snapshot  # noqa: E402


def _morph_cost(rt: Runtime, a: str, b: str, calls: int) -> float:
    t0 = time.perf_counter()
    for i in range(calls):
        rt.set_morph(a, b, (i % 100) / 99.0)  # a moving slider: values change every call
    return (time.perf_counter() - t0) / calls


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", default="amoeba")
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--frames", type=int, default=5)
    ap.add_argument("--no-frame", action="store_true", help="skip timing a frame at 512")
    a = ap.parse_args(argv)
    path = Path(__file__).resolve().parents[1] / "graphs" / f"{a.preset}.graph"
    g = load(path)
    if len(g.snapshots) < 2:
        print(f"{path.name} has fewer than two snapshots")
        return 1
    # two snapshots of every parameter: the shipped pair's values, then all the rest
    rt = Runtime(g, backend="numpy", size=512)
    sa, sb = g.snapshots[0].name, g.snapshots[1].name
    pub = _morph_cost(rt, sa, sb, a.calls)
    rt.set_morph(sa, sb, 0.0)
    full_a = snapshot(g, "all A")
    rt.set_morph(sa, sb, 1.0)
    full_b = snapshot(g, "all B")
    g.snapshots += [full_a, full_b]
    full = _morph_cost(rt, "all A", "all B", a.calls)
    n = sum(len(v) for v in full_a.values.values())
    print(f"set_morph, published snapshots ({sa} -> {sb}): {pub * 1e6:.1f} us a call")
    print(f"set_morph, every parameter ({n} values): {full * 1e6:.1f} us a call")
    if not a.no_frame:
        rt.set_morph(sa, sb, 0.0)
        rt.step()  # kernels compiled, caches built
        t0 = time.perf_counter()
        for _ in range(a.frames):
            rt.step()
        frame = (time.perf_counter() - t0) / a.frames
        print(f"frame at 512 (numpy, {rt.be.name}): {frame * 1e3:.1f} ms")
        print(f"morph share of a frame: published {pub / frame:.3%}, every parameter "
              f"{full / frame:.3%} (target < 1%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
