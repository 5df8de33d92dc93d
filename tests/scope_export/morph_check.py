"""Runs in a subprocess (Scope stand-in and one export on sys.path): the exported
pipeline's morph slider and snapshot menus.  Prints a JSON report."""

import json
import sys

import numpy as np

import exported  # beside this script

module = sys.argv[1]
mod, cls, cfg, defaults = exported.load(module)
cagraph = mod.cagraph


def new():
    return cls(**{**defaults, "height": 32, "width": 32, "grid_size": 32, "seed": 3,
                  "fps": 240.0})


def frame(out):
    return out["video"].detach().cpu().numpy().copy()


def runtime_frames(values, n, before=0):
    """The runtime's frames after its load frame and ``before`` more, with ``values`` set
    from then on."""
    g = cagraph.loads(mod.GRAPH_FILE.read_bytes())
    rt = cagraph.Runtime(g, backend="numpy", size=32, width=32, height=32, seed=3, fps=240.0,
                         preroll=cagraph.START_PREROLL)
    for _ in range(1 + before):  # the frame the pipeline makes at load, and more
        rt.step()
    for nid, ps in values.items():
        for k, v in ps.items():
            g.set_param(nid, k, v)
    out = []
    for _ in range(n):
        rt.step()
        out.append(rt.output_host().copy())
    return out


r = {"snapshots": list(mod.SNAPSHOTS)}
g = cagraph.loads(mod.GRAPH_FILE.read_bytes())
a, b = (next(s for s in g.snapshots if s.name == n) for n in mod.SNAPSHOTS[:2])
# Scope sends every runtime field each call; morph 0 (A = the graph as shipped) first
plain, moved = new(), new()
sent = {"morph": 0.0, "snapshot_a": a.name, "snapshot_b": b.name}
same = [np.array_equal(frame(plain()), frame(moved(**sent))) for _ in range(3)]
r["morph0_equals_plain"] = all(same)
fb = [frame(moved(**{**sent, "morph": 1.0})) for _ in range(3)]
fp = [frame(plain()) for _ in range(3)]
r["morph1_changes_frames"] = not any(np.array_equal(x, y) for x, y in zip(fb, fp))
r["morph_state"] = list(moved.morph)
# at morph 1 from its fourth call on, the frames are the runtime's with B's values
want = runtime_frames(b.values, 3, before=2)  # its first call hands over the load frame
r["morph1_equals_runtime_b"] = all(np.array_equal(x[0], y) for x, y in zip(fb, want))
p1 = moved
p1(morph="lots")  # bad values are ignored, the morph stays
p1(snapshot_b="nope")
r["bad_values_kept"] = list(p1.morph)
props = cfg.model_json_schema()["properties"]
r["fields"] = {k: {kk: props[k].get(kk) for kk in ("minimum", "maximum", "enum", "default")}
               for k in ("morph", "snapshot_a", "snapshot_b")}
print(json.dumps(r))
