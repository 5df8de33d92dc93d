"""Controllers (Qt-free): MIDI CC/notes and OSC messages onto a graph's parameters.

A :class:`~nodes.graph.Control` binds one source (a MIDI CC or note, an OSC address)
to an action.  This module turns an incoming message into :class:`Action` values:

* :func:`map_value` maps a 0..1 amount onto a control's target: ``x ** curve``, then
  ``1 - y`` when inverted, then ``lo..hi`` (default: the published range, else the
  parameter's own); ints round, enums pick a choice by position, toggles switch at 0.5.
* :func:`route` finds the controls an :class:`Event` matches and what they do.  OSC
  also reaches every published parameter at ``/cagraph/<name>`` in the parameter's
  own units (checked against its range).
* :class:`Reporter` drops bad input (wrong type, not finite, out of range, unknown
  address) with one log line per kind, never an exception.
* :class:`Learner` binds the next message to a waiting target (MIDI/OSC learn).
* :class:`MidiClock` follows a MIDI clock (24 ticks a beat, start/stop).

Nothing here knows Qt, mido or python-osc: the editor converts their messages with
:func:`midi_event` (duck-typed on mido's attributes) and :func:`osc_event`.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

from .graph import Control, Graph, Published
from .spec import Param, ParamType

log = logging.getLogger("cagraph.controls")

OSC_PREFIX = "/cagraph/"
SOURCES = ("midi_cc", "midi_note", "osc")


@dataclass(frozen=True)
class Event:
    """One incoming message.  MIDI values are 0..127 (CC value, note velocity; a note
    off is velocity 0); OSC carries its raw first argument and how many it had."""

    source: str  # "midi_cc" | "midi_note" | "osc"
    value: Any = None
    channel: int | None = None
    number: int | None = None
    address: str | None = None
    nargs: int = 1


@dataclass(frozen=True)
class Action:
    kind: str  # "param" | "restart" | "snapshot" | "morph"
    node: str | None = None
    param: str | None = None
    value: Any = None
    snapshot: str | None = None

    @property
    def target(self) -> tuple:
        """What a newer action of the same kind replaces (keep only the latest)."""
        if self.kind == "param":
            return ("param", self.node, self.param)
        if self.kind == "morph":
            return ("morph",)
        return None  # triggers never collapse


# -- conversion from the libraries' messages --------------------------------------------------

def midi_event(msg) -> Event | None:
    """An :class:`Event` for a mido message (control_change, note_on, note_off); None
    for anything else (clock, sysex, ...)."""
    t = getattr(msg, "type", None)
    if t == "control_change":
        return Event("midi_cc", int(msg.value), int(msg.channel), int(msg.control))
    if t == "note_on":
        return Event("midi_note", int(msg.velocity), int(msg.channel), int(msg.note))
    if t == "note_off":
        return Event("midi_note", 0, int(msg.channel), int(msg.note))
    return None


def osc_event(address: str, *args) -> Event:
    return Event("osc", args[0] if args else None, address=str(address), nargs=len(args))


# -- reporting bad input once per kind ---------------------------------------------------------

class Reporter:
    """Logs the first message of each kind of bad input (``kind`` is e.g. ``"not
    finite"``) and counts them all; ``counts`` says what was dropped."""

    def __init__(self, logger: logging.Logger | None = None, sink=None):
        self.log = logger or log
        self.sink = sink  # optional callable(text) for the editor's status bar
        self.counts: dict[str, int] = {}

    def drop(self, kind: str, detail: str) -> None:
        n = self.counts.get(kind, 0)
        self.counts[kind] = n + 1
        if n == 0:
            text = f"controller input ignored ({kind}): {detail}; further ones are not reported"
            self.log.warning(text)
            if self.sink is not None:
                self.sink(text)


# -- the target of a control --------------------------------------------------------------------

def target_param(graph: Graph, node: str | None, param: str | None) -> Param | None:
    nd = graph.nodes.get(node or "")
    spec = nd.spec if nd is not None else None
    if spec is None:
        return None
    try:
        return spec.param(param)
    except KeyError:
        return None


def mappable(p: Param | None) -> bool:
    return p is not None and p.type in (ParamType.FLOAT, ParamType.INT, ParamType.BOOL,
                                        ParamType.ENUM)


def default_range(graph: Graph, node: str, param: str) -> tuple[float, float] | None:
    """The range a controller sweeps by default: the published min/max, else the
    parameter's own."""
    p = target_param(graph, node, param)
    if p is None or not p.numeric:
        return None
    pub = published_for(graph, node, param)
    lo, hi = pub.bounds(p) if pub else (p.min, p.max)
    return float(lo), float(hi)


def published_for(graph: Graph, node: str, param: str) -> Published | None:
    return next((q for q in graph.published if q.node == node and q.param == param), None)


def shape(c: Control, x: float) -> float:
    """0..1 -> 0..1 through the control's curve (an exponent) and inversion."""
    x = min(1.0, max(0.0, x))
    y = x ** c.curve if c.curve != 1.0 else x
    return 1.0 - y if c.invert else y


def map_value(graph: Graph, c: Control, x: float) -> Any:
    """The value for the control's parameter at amount ``x`` (0..1); None when the
    target is gone or cannot take a controller."""
    p = target_param(graph, c.node, c.param)
    if not mappable(p):
        return None
    y = shape(c, x)
    if p.type is ParamType.BOOL:
        return y >= 0.5
    if p.type is ParamType.ENUM:
        n = len(p.choices)
        return p.choices[min(n - 1, int(y * n))]
    lo, hi = default_range(graph, c.node, c.param)
    lo = lo if c.lo is None else float(c.lo)
    hi = hi if c.hi is None else float(c.hi)
    v = lo + y * (hi - lo)
    # a user range may reach past the parameter's: clamp to what the parameter takes
    if p.min is not None:
        v = max(float(p.min), v)
    if p.max is not None:
        v = min(float(p.max), v)
    if p.type is ParamType.INT:
        return int(round(v))
    return float(v)


def describe(c: Control) -> tuple[str, str]:
    """(source, target) as the Controls panel shows them."""
    ch = "any" if c.channel is None else str(c.channel + 1)
    src = {"midi_cc": f"MIDI CC {c.number} ch {ch}", "midi_note": f"MIDI note {c.number} ch {ch}",
           "osc": f"OSC {c.address}"}.get(c.source, c.source)
    if c.action == "param":
        tgt = f"{c.node}.{c.param}"
        if c.lo is not None or c.hi is not None:
            tgt += f" [{'' if c.lo is None else f'{c.lo:g}'}..{'' if c.hi is None else f'{c.hi:g}'}]"
        if c.curve != 1.0:
            tgt += f" curve {c.curve:g}"
        if c.invert:
            tgt += " inverted"
    elif c.action == "snapshot":
        tgt = f"recall '{c.snapshot}'"
    else:
        tgt = c.action
    return src, tgt


# -- matching and routing ---------------------------------------------------------------------------

def matches(c: Control, ev: Event) -> bool:
    if c.source != ev.source:
        return False
    if ev.source == "osc":
        return c.address == ev.address
    return c.number == ev.number and (c.channel is None or c.channel == ev.channel)


def find(graph: Graph, ev: Event) -> list[Control]:
    return [c for c in graph.controls if matches(c, ev)]


def _number(value, rep: Reporter, where: str) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        rep.drop("wrong type", f"{where} got {type(value).__name__} {value!r:.40}, expected a number")
        return None
    try:
        v = float(value)
    except OverflowError:
        rep.drop("not finite", f"{where} got a number too large")
        return None
    if not math.isfinite(v):
        rep.drop("not finite", f"{where} got {v}")
        return None
    return v


def amount(ev: Event, rep: Reporter) -> float | None:
    """The event's 0..1 amount (MIDI /127; OSC must be a finite number in 0..1)."""
    where = ev.address if ev.source == "osc" else f"{ev.source} {ev.number}"
    if ev.source == "osc" and ev.nargs == 0:
        rep.drop("no value", f"{where} came without an argument")
        return None
    v = _number(ev.value, rep, where)
    if v is None:
        return None
    if ev.source != "osc":
        return min(1.0, max(0.0, v / 127.0))
    if not 0.0 <= v <= 1.0:
        rep.drop("out of range", f"{where} got {v:g}, a learned OSC control takes 0..1")
        return None
    return v


def _published_osc(graph: Graph, ev: Event, rep: Reporter) -> Action | None:
    name = ev.address[len(OSC_PREFIX):]
    pub = next((q for q in graph.published if q.name == name), None)
    if pub is None:
        return None
    p = target_param(graph, pub.node, pub.param)
    if p is None:
        rep.drop("unknown address", f"{ev.address}: its node is gone")
        return None
    if ev.nargs == 0:
        rep.drop("no value", f"{ev.address} came without an argument")
        return None
    v = ev.value
    if p.type is ParamType.ENUM:
        if isinstance(v, str) and v in p.choices:
            return Action("param", pub.node, pub.param, v)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer() \
                and 0 <= int(v) < len(p.choices):
            return Action("param", pub.node, pub.param, p.choices[int(v)])
        rep.drop("wrong type", f"{ev.address} got {v!r:.40}, expected one of {list(p.choices)}")
        return None
    if p.type is ParamType.BOOL:
        if isinstance(v, bool):
            return Action("param", pub.node, pub.param, v)
        x = _number(v, rep, ev.address)
        return None if x is None else Action("param", pub.node, pub.param, x >= 0.5)
    if not p.numeric:
        rep.drop("wrong type", f"{ev.address}: {pub.node}.{pub.param} takes no single value")
        return None
    x = _number(v, rep, ev.address)
    if x is None:
        return None
    lo, hi = pub.bounds(p)
    if (lo is not None and x < lo) or (hi is not None and x > hi):
        rep.drop("out of range", f"{ev.address} got {x:g}, outside {lo:g}..{hi:g}")
        return None
    if p.type is ParamType.INT:
        if not x.is_integer():
            rep.drop("wrong type", f"{ev.address} got {x:g}, expected a whole number")
            return None
        x = int(x)
    return Action("param", pub.node, pub.param, x)


def route(graph: Graph, ev: Event, rep: Reporter, current=None) -> list[Action]:
    """What ``ev`` does in ``graph``.  ``current(node, param)`` gives a toggle's value
    (a note flips a toggle it is bound to)."""
    out: list[Action] = []
    known = False
    if ev.source == "osc" and ev.address and ev.address.startswith(OSC_PREFIX):
        name = ev.address[len(OSC_PREFIX):]
        known = any(q.name == name for q in graph.published)
        a = _published_osc(graph, ev, rep) if known else None
        if a is not None:
            out.append(a)
    ctrls = find(graph, ev)
    if not ctrls:
        if ev.source == "osc" and not known:
            rep.drop("unknown address", f"{ev.address!r:.60} is neither a published parameter "
                     f"({OSC_PREFIX}<name>) nor a learned control")
        return out
    x = amount(ev, rep)
    if x is None:
        return out
    for c in ctrls:
        if c.action == "param":
            p = target_param(graph, c.node, c.param)
            if not mappable(p):
                rep.drop("unknown target", f"{c.node}.{c.param} no longer exists")
                continue
            if c.source == "midi_note":
                if x == 0.0:  # note off: a note gesture acts on its press
                    continue
                if p.type is ParamType.BOOL and current is not None:
                    out.append(Action("param", c.node, c.param, not bool(current(c.node, c.param))))
                    continue
            out.append(Action("param", c.node, c.param, map_value(graph, c, x)))
        elif c.action == "morph":
            out.append(Action("morph", value=shape(c, x)))
        elif c.action in ("restart", "snapshot"):
            # a trigger: a note press, a CC or OSC value crossing into the upper half
            if x >= 0.5 or (c.source == "midi_note" and x > 0.0):
                out.append(Action(c.action, snapshot=c.snapshot))
    return out


def latest(actions: list[Action]) -> list[Action]:
    """Only the last action per target, in the order their targets last moved (a flood
    collapses; triggers are all kept)."""
    last: dict[tuple, Action] = {}
    for i, a in enumerate(actions):
        key = a.target or ("trigger", i)
        last.pop(key, None)
        last[key] = a
    return list(last.values())


# -- learn ------------------------------------------------------------------------------------------

@dataclass
class LearnTarget:
    action: str = "param"  # what the next message will be bound to
    node: str | None = None
    param: str | None = None
    snapshot: str | None = None
    sources: tuple[str, ...] = SOURCES  # which sources may bind (MIDI learn: the MIDI ones)


class Learner:
    """Waits for the next message and makes the control that binds it."""

    def __init__(self):
        self.target: LearnTarget | None = None

    @property
    def active(self) -> bool:
        return self.target is not None

    def start(self, target: LearnTarget) -> None:
        self.target = target

    def cancel(self) -> None:
        self.target = None

    def offer(self, ev: Event) -> Control | None:
        """The control binding ``ev`` to the waiting target (learning stops), or None.
        A note off, a published ``/cagraph/`` address or a source the target does not
        take is passed over."""
        t = self.target
        if t is None or ev.source not in t.sources:
            return None
        if ev.source == "midi_note" and not ev.value:
            return None
        if ev.source == "osc" and (not ev.address or ev.address.startswith(OSC_PREFIX)):
            return None
        self.target = None
        return Control(
            source=ev.source, action=t.action,
            channel=ev.channel if ev.source != "osc" else None,
            number=ev.number if ev.source != "osc" else None,
            address=ev.address if ev.source == "osc" else None,
            node=t.node, param=t.param, snapshot=t.snapshot)


def replace_binding(controls: list[Control], new: Control) -> list[Control]:
    """``controls`` with ``new`` added and any older control on the same source (the
    same CC/note on the same channel, the same address) or the same parameter target
    from that kind of source removed: one knob, one job."""
    def same_source(c: Control) -> bool:
        if c.source != new.source:
            return False
        if c.source == "osc":
            return c.address == new.address
        return c.number == new.number and c.channel == new.channel

    def same_target(c: Control) -> bool:
        return (new.action == "param" and c.action == "param" and c.node == new.node
                and c.param == new.param and (c.source == "osc") == (new.source == "osc"))

    return [c for c in controls if not (same_source(c) or same_target(c))] + [new]


# -- MIDI clock -------------------------------------------------------------------------------------

class MidiClock:
    """Tempo from a MIDI clock: 24 ``clock`` messages a beat, ``start``/``continue``/
    ``stop``.  ``feed(type, t)`` takes a message type and its arrival time (seconds);
    ``bpm`` is the average over the last beat's ticks (None until one beat arrived)."""

    TICKS = 24

    def __init__(self, window: int = 24):
        self.window = window
        self.times: list[float] = []
        self.playing = False
        self.ticks = 0

    def feed(self, kind: str, t: float) -> None:
        if kind == "clock":
            self.times.append(t)
            del self.times[:-(self.window + 1)]
            self.ticks += 1
        elif kind in ("start", "continue"):
            self.playing = True
            if kind == "start":
                self.ticks = 0
                self.times.clear()
        elif kind == "stop":
            self.playing = False

    @property
    def bpm(self) -> float | None:
        if len(self.times) < self.window + 1:
            return None
        span = self.times[-1] - self.times[0]
        if span <= 0:
            return None
        return 60.0 * (len(self.times) - 1) / (self.TICKS * span)

    @property
    def beat(self) -> float:
        return self.ticks / self.TICKS


class TapTempo:
    """Tap tempo: the mean interval of the taps since a pause of more than ``reset_s``."""

    def __init__(self, reset_s: float = 2.0, keep: int = 8):
        self.reset_s, self.keep = reset_s, keep
        self.taps: list[float] = []

    def tap(self, t: float) -> float | None:
        if self.taps and t - self.taps[-1] > self.reset_s:
            self.taps.clear()
        self.taps.append(t)
        del self.taps[:-self.keep]
        if len(self.taps) < 2:
            return None
        bpm = 60.0 * (len(self.taps) - 1) / (self.taps[-1] - self.taps[0])
        return min(400.0, max(20.0, bpm))
