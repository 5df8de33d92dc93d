"""Runs in a subprocess (Scope stand-in and one export of amoeba on sys.path): the exported
pipeline's snapshot recall, quantised by the graph's clock as Scope's tempo kwargs move it,
called as Scope calls it, beside the runtime's own Runtime.recall fed the same beats.
Prints a JSON report."""

import json
import sys

import numpy as np

import exported  # beside this script

module = sys.argv[1]
mod, cls, cfg, defaults = exported.load(module)
cagraph = mod.cagraph
BPB = 4


def beat_kwargs(beat, playing=True):
    """Scope's tempo kwargs at ``beat`` (120 bpm, 4/4), as its PipelineProcessor sends."""
    return {"bpm": 120.0, "beat_phase": beat % 1.0, "bar_position": beat % BPB,
            "beat_count": int(beat), "is_playing": playing}


# (beat of the call, what the call also sends)
CALLS = [
    (5.3, {"recall": "surge", "recall_quantise": "bar"}),  # waits for beat 8
    (6.0, {}), (7.2, {}), (7.95, {}), (8.05, {}), (8.6, {}),
    (8.7, {"recall": "amoeba", "recall_quantise": "beat", "recall_transition": 0.02}),
    (8.95, {}), (9.02, {}), (9.1, {}), (9.3, {}), (9.35, {}), (9.4, {}), (9.45, {}),
    (9.5, {"recall": "surge", "recall_quantise": "now", "recall_transition": 0.0}),
    (9.6, {}),
]

g0 = cagraph.loads(mod.GRAPH_FILE.read_bytes())
snaps = {s.name: s for s in g0.snapshots}
# a parameter surge sets to another value than amoeba does: which snapshot the frame has
nid, key = next((n, k) for n, ps in snaps["surge"].values.items() for k, v in ps.items()
                if snaps["amoeba"].values.get(n, {}).get(k, v) != v and isinstance(v, float))
want = {name: s.values[nid][key] for name, s in snaps.items()}


def which(graph):
    v = graph.param_value(nid, key)
    return next((n for n, w in want.items() if v == w), "between")


p = cls(**{**defaults, "height": 32, "width": 32, "grid_size": 32, "seed": 3, "fps": 240.0})
p(init_cache=True)  # Scope's first call: the frame made at load
rt = cagraph.Runtime(cagraph.loads(mod.GRAPH_FILE.read_bytes()), backend="numpy", size=32,
                     width=32, height=32, seed=3, fps=240.0, preroll=cagraph.START_PREROLL)
rt.step()  # the load frame
r = {"plugin": [], "runtime": [], "first_frame_differing": None}
# Scope sends every field on every call: the menus' state, changed by the person
state = {"recall": "amoeba", "recall_quantise": "now", "recall_transition": 0.0}
for i, (beat, extra) in enumerate(CALLS):
    before = state["recall"]
    state.update(extra)
    out = p(**beat_kwargs(beat), **state)
    r["plugin"].append(which(p.runtime.graph))
    rt.sync_tempo(**beat_kwargs(beat))
    if state["recall"] != before:
        q = state["recall_quantise"]
        rt.recall(state["recall"], state["recall_transition"],
                  quantise=None if q == "now" else q)
    rt.step()
    r["runtime"].append(which(rt.graph))
    same = np.array_equal(out["video"].detach().cpu().numpy()[0], rt.output_host())
    if not same and r["first_frame_differing"] is None:
        r["first_frame_differing"] = i
r["recalled"] = list(p.recalled)
# stopped: a quantised recall starts at once (nothing to wait for)
state.update(recall="amoeba", recall_quantise="bar", recall_transition=0.0)
p(**beat_kwargs(9.7, playing=False), **state)
r["stopped"] = which(p.runtime.graph)
# bad values: ignored (logged), the settings kept
p(recall="nope", recall_quantise="sometimes", recall_transition="soon")
p(recall_transition=-1)
r["kept"] = [p._recall_sent, p.recall_quantise, p.recall_transition]
props = cfg.model_json_schema()["properties"]
r["fields"] = {k: {kk: props[k].get(kk) for kk in ("minimum", "maximum", "enum", "default")}
               for k in ("recall", "recall_quantise", "recall_transition")}
r["runtime_fields"] = all(not cfg.model_fields[k].json_schema_extra["ui"].get("is_load_param")
                          for k in ("recall", "recall_quantise", "recall_transition"))
print(json.dumps(r))
