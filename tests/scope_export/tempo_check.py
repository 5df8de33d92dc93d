"""Runs in a subprocess (Scope stand-in and one export of beat_pulse on sys.path): the
exported pipeline fed Scope's tempo kwargs (bpm, beat_phase, bar_position, beat_count,
is_playing, as PipelineProcessor._apply_tempo_sync injects them) from a synthetic clock
that disagrees with the graph's own (90 bpm, another phase, calls at an uneven rate).
Prints a JSON report."""

import json
import math
import sys

import numpy as np

import exported  # beside this script

module = sys.argv[1]
mod, cls, cfg, defaults = exported.load(module)
FPS = 240.0  # the pipeline paces itself: a high rate keeps the check quick
CALL = 1 / 20  # Scope's calls, ~20 a second: its beat moves 12x faster than the frame time


def new():
    return cls(**{**defaults, "height": 32, "width": 32, "grid_size": 32, "fps": FPS})


class SyntheticScope:
    """A tempo source as Scope reports it: beat = offset + t * bpm / 60 at the call's time,
    with the calls spaced unevenly (their own time, not the pipeline's frames)."""

    def __init__(self, bpm=90.0, offset=5.37, bpb=4):
        self.bpm, self.offset, self.bpb, self.t = bpm, offset, bpb, 0.0

    def tick(self, k):
        self.t += (1.0 + 0.3 * math.sin(k * 0.7)) * CALL  # jittered call spacing
        beat = self.offset + self.t * self.bpm / 60.0
        return {"bpm": self.bpm, "beat_phase": beat % 1.0, "bar_position": beat % self.bpb,
                "beat_count": int(beat), "is_playing": True}


def mean(out):
    return float(out["video"].detach().cpu().numpy().mean())


r = {}
p = new()
rt = p.runtime
r["own_bpm"] = rt.clock.bpm
p(init_cache=True)  # Scope's first call (the frame made at load)
# 1) every call carries the beat state: each frame is at exactly the kwargs' beat
src, err, pulses, brights, phases = SyntheticScope(), [], [], [], []
for k in range(120):
    kw = src.tick(k)
    out = p(**kw)
    got = rt.value("beat", "phase")
    err.append(abs(((got - kw["beat_phase"]) + 0.5) % 1.0 - 0.5))
    phases.append(got)
    pulses.append(rt.value("beat", "pulse"))
    brights.append(mean(out))
    want_pulse = math.exp(-3.0 * kw["beat_phase"] / 0.7)  # the beat node's exp decay
    pulses[-1] = (pulses[-1], want_pulse)
r["max_phase_error"] = max(err)
r["bpm_followed"] = rt.clock.bpm
r["bar_position_error"] = abs(rt.clock.bar_position - kw["bar_position"])
r["beat_count"] = [rt.value("beat", "count"), kw["beat_count"]]
r["pulse_error"] = max(abs(a - b) for a, b in pulses)
want = np.array([b for _, b in pulses])
# the pulse the graph's own clock (120 bpm from beat 0) would have given those frames
own = np.array([math.exp(-3.0 * ((rt.frame - 120 + k) / FPS * 2.0 % 1.0) / 0.7)
                for k in range(120)])


# the organism's own brightness drifts slowly: compare the frame-to-frame changes
db = np.diff(np.array(brights))
r["brightness_follows_pulse"] = float(np.corrcoef(db, np.diff(want))[0, 1])
r["brightness_vs_own_clock"] = float(np.corrcoef(db, np.diff(own))[0, 1])
onsets = np.flatnonzero(np.diff(want) > 0.3)  # the frames a kwargs beat begins on
r["beats_seen"] = len(onsets)
r["rises_on_every_beat"] = bool(np.all(db[onsets] > 0))
# 2) the beat state only every 6th call: the clock fills the gaps at Scope's tempo
gap_err = []
for k in range(120, 240):
    kw = src.tick(k)
    if k % 6 == 0:
        p(**kw)
        base_phase, n = kw["beat_phase"], 0
    else:
        p()
        n += 1
        want_phase = (base_phase + n / FPS * src.bpm / 60.0) % 1.0
        gap_err.append(abs(((rt.value("beat", "phase") - want_phase) + 0.5) % 1.0 - 0.5))
r["gap_max_error"] = max(gap_err)
# 3) Scope stops: the beat holds
p(**{**src.tick(240), "is_playing": False})
held = rt.value("beat", "phase")
p()
p()
r["stopped_holds"] = rt.value("beat", "phase") == held
# 4) a bad value is ignored (one warning), the clock keeps its state
before = rt.clock.bpm
p(bpm="fast", beat_phase=float("nan"))
r["bad_ignored"] = rt.clock.bpm == before
# 5) without tempo kwargs a fresh pipeline runs the graph's own bpm
q = new()
q(init_cache=True)
ph = []
for _ in range(int(FPS)):  # one second of frames
    q()
    ph.append(q.runtime.clock.beat)
r["own_beats_per_second"] = ph[-1] - ph[0]
r["own_expected"] = (len(ph) - 1) / FPS * r["own_bpm"] / 60.0
print(json.dumps(r))
