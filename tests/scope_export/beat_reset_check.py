"""Runs in a subprocess (Scope stand-in and one export on sys.path): what the exported
pipeline does with Scope's init_cache and its beat reset.  Prints a JSON report."""

import json
import sys

import numpy as np

import exported  # beside this script

module = sys.argv[1]
mod, cls, cfg, defaults = exported.load(module)
SEED = 7


def new(**kw):
    return cls(**{**defaults, "height": 64, "width": 96, "grid_size": 64, "seed": SEED,
                  "fps": 240.0, **kw})


def frame(out):
    return out["video"].detach().cpu().numpy().copy()


r = {}
p = new()
r["frame_at_load"] = p.runtime.shown  # the first frame was made while loading (after the pre-roll)
made = p._ready.detach().clone().numpy()
f0 = frame(p(init_cache=True, seed=SEED))  # Scope's first call: init_cache always set
r["first_call_is_load_frame"] = bool(np.array_equal(f0, made))
r["frame_after_first_call"] = p.runtime.shown
frame(p(seed=SEED))
r["reset_cache_restarts"] = bool(np.array_equal(frame(p(init_cache=True, seed=SEED)), f0))
frame(p(seed=SEED))
n = p.runtime.frame
beat = frame(p(init_cache=True, base_seed=123, seed=SEED))  # default: ignore
r["ignore"] = {"frame_went_on": p.runtime.frame == n + 1, "seed": p.runtime.seed,
               "differs_from_first": not np.array_equal(beat, f0)}
p(beat_reset="restart", seed=SEED)
r["restart_equals_first"] = bool(np.array_equal(
    frame(p(init_cache=True, base_seed=456, seed=SEED, beat_reset="restart")), f0))
p(beat_reset="reseed", seed=SEED)
rs = frame(p(init_cache=True, base_seed=789, seed=SEED, beat_reset="reseed"))
fresh = new(seed=789)
r["reseed"] = {"seed": p.runtime.seed, "equals_fresh_789": bool(np.array_equal(
    rs, frame(fresh(init_cache=True, seed=789))))}
p(seed=SEED, beat_reset="reseed")  # the session's seed field, resent unchanged
r["reseed"]["kept_after_resend"] = p.runtime.seed
p(beat_reset="sometimes")  # a bad choice: one warning, the choice stays
r["bad_choice_kept"] = p.beat_reset
props = cfg.model_json_schema()["properties"]
r["beat_reset_field"] = {k: props["beat_reset"].get(k) for k in ("enum", "default")}
r["beat_reset_ui"] = props["beat_reset"].get("ui")
print(json.dumps(r))
