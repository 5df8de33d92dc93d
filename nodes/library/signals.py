"""Scalar signals: clock, beat clock, LFOs, smoothing, constants, scalar maths, step
scheduler.

A scalar output can drive any numeric, non-structural parameter of any node:
link it to the input port named after the parameter.
"""

from __future__ import annotations

import math

import numpy as np

from ..spec import B, E, F, I, Context, Kind, Node, Port
from ..tempo import DIVISIONS, division_beats

SHAPES = ("sine", "triangle", "saw", "square", "noise")


def wave(shape: str, phase: float, noise_table: np.ndarray | None = None) -> float:
    """Periodic waveform in [-1, 1] at ``phase`` (in cycles; any real number)."""
    p = phase % 1.0
    if shape == "sine":
        return math.sin(2 * math.pi * p)
    if shape == "triangle":
        return _triangle(p)
    if shape == "saw":
        return 2 * p - 1
    if shape == "square":
        return 1.0 if p < 0.5 else -1.0
    if shape == "noise":
        # smooth value noise: cosine interpolation between random knots, one a cycle
        assert noise_table is not None
        n = len(noise_table)
        k = math.floor(phase)
        a, b = noise_table[k % n], noise_table[(k + 1) % n]
        w = (1 - math.cos(math.pi * p)) / 2
        return float(a + (b - a) * w)
    raise ValueError(shape)


def _triangle(p: float) -> float:
    # 0 -> 0, 0.25 -> 1, 0.75 -> -1, 1 -> 0
    return 4 * p if p < 0.25 else 2 - 4 * p if p < 0.75 else 4 * p - 4


class Clock(Node):
    type_id = "signal.clock"
    title = "Clock"
    category = "Signals"
    doc = "Time in seconds since the start (deterministic: frame / fps), times a rate."
    outputs = (Port("time", Kind.SCALAR), Port("frame", Kind.SCALAR))
    params = (F("rate", 1.0, 0.0, 10.0, doc="seconds of clock per second"),)

    def process(self, ctx: Context, inputs, params):
        return {"time": ctx.time * params["rate"], "frame": float(ctx.frame)}


class LFO(Node):
    type_id = "signal.lfo"
    title = "LFO"
    category = "Signals"
    doc = ("Low-frequency oscillator: center + depth * wave(rate * t + phase). The phase "
           "accumulator wraps (every 256 cycles, the noise table's length), so it never "
           "loses precision however long it runs. Synced, one cycle lasts a musical "
           "division of the graph's tempo (1/16 note to 4 bars) and the phase is read from "
           "the beat clock itself, so it stays locked to the beat however long it runs.")
    outputs = (Port("out", Kind.SCALAR), Port("wave", Kind.SCALAR))
    params = (
        E("shape", "sine", SHAPES),
        F("center", 0.0, -1000.0, 1000.0),
        F("depth", 1.0, 0.0, 1000.0),
        F("rate", 0.1, 0.0, 20.0, label="Rate (Hz)"),
        F("phase", 0.0, 0.0, 1.0, doc="phase offset in cycles"),
        # added without a type version bump: a file without them is free-running, as before
        B("sync", False, label="Sync to tempo",
          doc="one cycle per division of the graph's tempo instead of rate Hz"),
        E("division", "1 bar", tuple(DIVISIONS), label="Cycle (synced)",
          doc="the cycle's length when synced: a note value (a beat is a 1/4) or bars"),
    )

    def process(self, ctx: Context, inputs, params):
        # accumulate the phase per frame so that rate changes never jump
        ph = self.state.get("phase", 0.0)
        table = self.memo("noise", None, lambda: self.rng(7).uniform(-1, 1, 256))
        clock = ctx.clock
        if params["sync"] and clock is not None:
            # from the clock's position, not accumulated: no drift over any length of run
            cycles = clock.beat / division_beats(params["division"], clock.beats_per_bar)
            w = wave(params["shape"], cycles % 256.0 + params["phase"], table)
        else:
            w = wave(params["shape"], ph + params["phase"], table)
        self.state["phase"] = (ph + params["rate"] * ctx.dt) % 256.0
        return {"out": params["center"] + params["depth"] * w, "wave": w}


PULSE_SHAPES = ("exp", "linear", "smooth", "gate")


def pulse(shape: str, since: float, decay: float) -> float:
    """A beat pulse in [0, 1]: 1 on the beat, falling over ``decay`` beats after it
    (``since`` is the beats since the pulse began)."""
    x = since / decay if decay > 0 else math.inf
    if shape == "exp":
        return math.exp(-3.0 * x)  # down to 5 % after one decay
    if shape == "linear":
        return max(0.0, 1.0 - x)
    if shape == "smooth":
        return 0.5 + 0.5 * math.cos(math.pi * x) if x < 1.0 else 0.0
    if shape == "gate":
        return 1.0 if x < 1.0 else 0.0
    raise ValueError(shape)


class BeatClock(Node):
    type_id = "signal.beat_clock"
    title = "Beat Clock"
    category = "Signals"
    doc = ("The graph's tempo as signals: beat phase (0..1 through each beat), bar position "
           "(beats into the bar), beat count, and a pulse that jumps to 1 on every beat (or "
           "other division) and falls over decay beats; out = center + depth * pulse. The "
           "clock is the runtime's: the graph's bpm, or Scope's beat state when it sends "
           "one.")
    outputs = (Port("out", Kind.SCALAR), Port("pulse", Kind.SCALAR),
               Port("phase", Kind.SCALAR), Port("bar", Kind.SCALAR),
               Port("count", Kind.SCALAR))
    params = (
        E("division", "1/4", tuple(DIVISIONS), label="Pulse every",
          doc="a note value (a beat is a 1/4) or bars"),
        E("shape", "exp", PULSE_SHAPES, label="Decay shape"),
        F("decay", 0.5, 0.01, 16.0, label="Decay (beats)",
          doc="how many beats the pulse takes to fall"),
        F("center", 0.0, -1000.0, 1000.0),
        F("depth", 1.0, -1000.0, 1000.0),
    )

    def process(self, ctx: Context, inputs, params):
        clock = ctx.clock
        if clock is None:  # outside a runtime: silent
            return {"out": params["center"], "pulse": 0.0, "phase": 0.0, "bar": 0.0,
                    "count": 0.0}
        beat = clock.beat
        div = division_beats(params["division"], clock.beats_per_bar)
        since = (beat % div) if beat >= 0 else math.inf  # no pulse before the first beat
        p = pulse(params["shape"], since, params["decay"])
        return {"out": params["center"] + params["depth"] * p, "pulse": p,
                "phase": beat % 1.0, "bar": clock.bar_position,
                "count": float(math.floor(beat))}


class Smooth(Node):
    type_id = "signal.smooth"
    title = "Smooth (EMA)"
    category = "Signals"
    doc = "Exponential moving average with time constant tau seconds (frame-rate independent)."
    inputs = (Port("in", Kind.SCALAR),)
    outputs = (Port("out", Kind.SCALAR),)
    params = (F("tau", 2.0, 0.0, 60.0, label="Tau (s)"),)

    def process(self, ctx: Context, inputs, params):
        x = inputs["in"]
        if x is None:
            return {"out": self.state.get("y", 0.0)}
        y = self.state.get("y")
        if y is None or params["tau"] <= 0:
            y = float(x)
        else:
            y += (1 - math.exp(-ctx.dt / params["tau"])) * (float(x) - y)
        self.state["y"] = y
        return {"out": y}


class Constant(Node):
    type_id = "signal.constant"
    title = "Constant"
    category = "Signals"
    outputs = (Port("out", Kind.SCALAR),)
    params = (F("value", 0.0, -1000.0, 1000.0),)

    def process(self, ctx, inputs, params):
        return {"out": params["value"]}


class ScalarMath(Node):
    type_id = "signal.math"
    title = "Scalar Math"
    category = "Signals"
    doc = "out = op(a, b) * scale + offset; unconnected inputs use the a / b params."
    inputs = (Port("in_a", Kind.SCALAR, optional=True), Port("in_b", Kind.SCALAR, optional=True))
    outputs = (Port("out", Kind.SCALAR),)
    params = (
        E("op", "add", ("add", "sub", "mul", "min", "max", "mix")),
        F("a", 0.0, -1000.0, 1000.0), F("b", 0.0, -1000.0, 1000.0),
        F("t", 0.5, 0.0, 1.0, doc="mix amount for op=mix"),
        F("scale", 1.0, -1000.0, 1000.0), F("offset", 0.0, -1000.0, 1000.0),
    )

    def process(self, ctx, inputs, params):
        a = params["a"] if inputs.get("in_a") is None else float(inputs["in_a"])
        b = params["b"] if inputs.get("in_b") is None else float(inputs["in_b"])
        op = params["op"]
        r = {"add": a + b, "sub": a - b, "mul": a * b, "min": min(a, b), "max": max(a, b),
             "mix": a + (b - a) * params["t"]}[op]
        return {"out": r * params["scale"] + params["offset"]}


class Scheduler(Node):
    type_id = "signal.scheduler"
    title = "Step Scheduler"
    category = "Signals"
    doc = ("Engine steps per frame: an accumulator adds speed * sps * dt each frame and runs "
           "whole steps, at most max_steps per frame. Time is frame time, so renders are "
           "deterministic. With a burst, the frame on which a beat (or other division) of "
           "the graph's tempo begins runs that many extra steps: the organism lurches on "
           "the beat.")
    outputs = (Port("steps", Kind.SCALAR),)
    params = (
        F("speed", 1.0, 0.0, 8.0),
        F("sps", 30.0, 1.0, 240.0, label="Steps / second at speed 1", structural=False),
        I("max_steps", 8, 1, 64, label="Max steps / frame"),
        # added without a type version bump: 0 (a file without it) bursts never, as before
        I("beat_burst", 0, 0, 32, label="Extra steps on the beat",
          doc="steps added on the frame each beat (or division) begins; 0 = off"),
        E("burst_every", "1/4", tuple(DIVISIONS), label="Burst every"),
    )

    def process(self, ctx: Context, inputs, params):
        if ctx.steps_override is not None:
            return {"steps": float(ctx.steps_override)}
        acc = self.state.get("acc", 0.0) + params["speed"] * params["sps"] * ctx.dt
        acc = min(acc, float(params["max_steps"]))
        n = math.floor(acc + 1e-9)
        self.state["acc"] = acc - n
        clock = ctx.clock
        if params["beat_burst"] and clock is not None:
            idx = math.floor(clock.beat / division_beats(params["burst_every"],
                                                         clock.beats_per_bar) + 1e-9)
            last = self.state.get("beat")
            self.state["beat"] = idx
            if last is not None and idx != last and clock.playing:
                n = min(n + params["beat_burst"], 64)
        return {"steps": float(n)}


NODES = (Clock, BeatClock, LFO, Smooth, Constant, ScalarMath, Scheduler)
