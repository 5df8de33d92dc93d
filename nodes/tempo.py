"""The graph's musical clock: beats and bars from time, Qt-free.

A :class:`Clock` turns time in seconds into a beat position.  It stores an *anchor* (a
time and the beat at that time) and the tempo, and computes every position as
``anchor_beat + (time - anchor_time) * bpm / 60``: nothing is accumulated frame by frame,
so a clock driven by frame time (``frame / fps``) stays exact over hours.  A tempo change,
a stop or an external sync moves the anchor to the current time, so the position never
jumps when the tempo changes.

External beat state (Scope's ``bpm``, ``beat_phase``, ``bar_position``, ``beat_count``,
``is_playing``, as Ableton Link or a MIDI clock report them) is the truth whenever it
arrives: :meth:`Clock.sync` re-anchors the clock on it, and the clock's own tempo fills
the time until the next sync.

Scope's conventions, which this module shares: ``beat_phase`` is the fraction of the
current beat in [0, 1), ``bar_position`` the beats into the current bar in
[0, beats_per_bar), ``beat_count`` the whole beats since the clock started.
"""

from __future__ import annotations

import math

MIN_BPM, MAX_BPM = 20.0, 400.0  # a graph's tempo (the file's range)
#: what external beat state may set (Ableton Link allows 20..999; a MIDI clock's measured
#: tempo wobbles): a finite tempo is clamped into this range, a non-positive one ignored
SYNC_MIN_BPM, SYNC_MAX_BPM = 1.0, 999.0
MIN_BEATS_PER_BAR, MAX_BEATS_PER_BAR = 1, 16

#: musical divisions (synced LFOs, the Beat Clock's pulse): name -> length in beats
#: (a beat is a quarter note) or, for bars, a negative count of bars
DIVISIONS: dict[str, float] = {
    "1/16": 0.25, "1/8": 0.5, "1/4": 1.0, "1/2": 2.0,
    "1 bar": -1.0, "2 bars": -2.0, "4 bars": -4.0,
}


def division_beats(division: str, beats_per_bar: int) -> float:
    """The length of ``division`` (a key of :data:`DIVISIONS`) in beats."""
    d = DIVISIONS[division]
    return -d * beats_per_bar if d < 0 else d


def _float(name: str, value) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{name} takes a number, got a true/false")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} takes a number, got {value!r}") from None


def _checked_bpm(bpm) -> float:
    v = _float("bpm", bpm)
    if not MIN_BPM <= v <= MAX_BPM:  # also refuses NaN
        raise ValueError(f"bpm {v:g} must be between {MIN_BPM:g} and {MAX_BPM:g}")
    return v


def _checked_bpb(bpb) -> int:
    f = _float("beats per bar", bpb)
    if not math.isfinite(f) or f != int(f):
        raise ValueError(f"beats per bar takes a whole number, got {bpb!r}")
    v = int(f)
    if not MIN_BEATS_PER_BAR <= v <= MAX_BEATS_PER_BAR:
        raise ValueError(f"beats per bar {v} must be between {MIN_BEATS_PER_BAR} and "
                         f"{MAX_BEATS_PER_BAR}")
    return v


def _finite(name: str, value) -> float:
    v = _float(name, value)
    if not math.isfinite(v):
        raise ValueError(f"{name} {value!r} is not a finite number")
    return v


def _flag(value) -> bool:
    if isinstance(value, str):
        s = value.strip().lower()
        if s in ("1", "true", "yes", "on"):
            return True
        if s in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"is_playing takes true or false, got {value!r}")
    return bool(value)


class Clock:
    """A beat clock.  ``time`` is seconds (set with :meth:`set_time` or :meth:`advance`);
    the position in beats follows from the anchor and the tempo while it plays and holds
    while it is stopped."""

    def __init__(self, bpm: float = 120.0, beats_per_bar: int = 4, playing: bool = True):
        self.bpm = _checked_bpm(bpm)
        self.beats_per_bar = _checked_bpb(beats_per_bar)
        self.playing = bool(playing)
        self.time = 0.0
        self._comp = 0.0  # Kahan compensation of advance()
        self._anchor_time = 0.0
        self._anchor_beat = 0.0
        self._bar_offset = 0.0  # the beat (mod beats_per_bar) on which bars start
        #: the time of the last :meth:`sync` (None: the clock runs on its own)
        self.synced_at: float | None = None

    # -- time ------------------------------------------------------------------------------
    def set_time(self, t: float) -> None:
        """Move the clock to time ``t`` seconds (a runtime passes ``frame / fps``)."""
        self.time = float(t)
        self._comp = 0.0

    def advance(self, dt: float) -> None:
        """Move the clock on by ``dt`` seconds (compensated summation: many small steps
        add up to the same time as one big one, to the last bits)."""
        y = float(dt) - self._comp
        t = self.time + y
        self._comp = (t - self.time) - y
        self.time = t

    def reset(self) -> None:
        """Back to beat 0 at time 0 (tempo, beats per bar and play state kept)."""
        self.time = self._comp = 0.0
        self._anchor_time = self._anchor_beat = self._bar_offset = 0.0
        self.synced_at = None

    def _reanchor(self) -> None:
        self._anchor_beat = self.beat
        self._anchor_time = self.time

    # -- tempo and transport ---------------------------------------------------------------
    def set_tempo(self, bpm: float | None = None, beats_per_bar: int | None = None) -> None:
        """Change the tempo from now on (the position does not jump).  Raises ValueError on
        a tempo outside 20..400 bpm or a bar outside 1..16 beats."""
        new_bpm = self.bpm if bpm is None else _checked_bpm(bpm)
        new_bpb = self.beats_per_bar if beats_per_bar is None else _checked_bpb(beats_per_bar)
        self._reanchor()
        if new_bpb != self.beats_per_bar:
            # the bar goes on from where it is (wrapped into the new bar's length)
            pos = self.bar_position % new_bpb
            self.beats_per_bar = new_bpb
            self._bar_offset = (self.beat - pos) % new_bpb
        self.bpm = new_bpm

    def play(self) -> None:
        if not self.playing:
            self._reanchor()
            self.playing = True

    def stop(self) -> None:
        if self.playing:
            self._reanchor()
            self.playing = False

    def sync(self, bpm=None, beat_phase=None, bar_position=None, beat_count=None,
             is_playing=None) -> None:
        """Follow external beat state at the current time: it is the truth, the clock's own
        tempo carries on from it until the next call.  Any argument may be None (kept); a
        tempo of 0 or less (a MIDI clock before it has measured one) keeps the own tempo, a
        finite one is clamped into 1..999 bpm.
        Without ``beat_count`` the beat nearest the clock's own position that has
        ``beat_phase`` is taken.  Raises ValueError on a value that is not one (a NaN, a
        tempo out of range), changing nothing."""
        new_bpm = None if bpm is None else _finite("bpm", bpm)
        if new_bpm is not None:
            new_bpm = None if new_bpm <= 0 else min(max(new_bpm, SYNC_MIN_BPM), SYNC_MAX_BPM)
        phase = None if beat_phase is None else _finite("beat_phase", beat_phase) % 1.0
        count = None if beat_count is None else _finite("beat_count", beat_count)
        bar = None if bar_position is None else _finite("bar_position", bar_position)
        play = None if is_playing is None else _flag(is_playing)
        self._reanchor()
        if new_bpm is not None:
            self.bpm = new_bpm
        if phase is not None or count is not None:
            own = self._anchor_beat
            if count is not None:
                beat = math.floor(count) + (phase if phase is not None else own % 1.0)
            else:
                beat = own + ((phase - own) + 0.5) % 1.0 - 0.5  # nearest with that phase
            self._anchor_beat = beat
        if bar is not None:
            self._bar_offset = (self._anchor_beat - bar) % self.beats_per_bar
        if play is not None:
            self.playing = play
        self.synced_at = self.time

    # -- position --------------------------------------------------------------------------
    @property
    def beat(self) -> float:
        """Beats since the start (a real number; negative before it)."""
        if not self.playing:
            return self._anchor_beat
        b = self._anchor_beat + (self.time - self._anchor_time) * self.bpm / 60.0
        # a frame that falls on a beat is on it (frame / fps * bpm / 60 rounds either side)
        r = round(b)
        return float(r) if abs(b - r) < 1e-9 else b

    @property
    def beat_phase(self) -> float:
        """The fraction of the current beat, in [0, 1)."""
        return self.beat % 1.0

    @property
    def beat_count(self) -> int:
        """Whole beats since the start."""
        return math.floor(self.beat)

    @property
    def bar_position(self) -> float:
        """Beats into the current bar, in [0, beats_per_bar)."""
        return (self.beat - self._bar_offset) % self.beats_per_bar

    @property
    def bar(self) -> int:
        """Whole bars since the start."""
        return math.floor((self.beat - self._bar_offset) / self.beats_per_bar)

    def beats_to_next(self, unit: str = "beat") -> float:
        """Beats from now to the next beat (``unit='beat'``) or bar (``'bar'``); 0 when the
        clock is on one."""
        if unit == "beat":
            left = -self.beat % 1.0
        elif unit == "bar":
            left = -(self.beat - self._bar_offset) % self.beats_per_bar
        else:
            raise ValueError(f"unit must be 'beat' or 'bar', got {unit!r}")
        return 0.0 if left < 1e-9 or left > (1.0 if unit == "beat" else
                                              self.beats_per_bar) - 1e-9 else left

    def seconds_to_next(self, unit: str = "beat") -> float:
        """Seconds until the next beat or bar at the current tempo; 0 when the clock is on
        one or stopped (a quantised change waits only while the tempo runs)."""
        if not self.playing:
            return 0.0
        return self.beats_to_next(unit) * 60.0 / self.bpm

    def state(self) -> dict:
        """The beat state in Scope's names."""
        return {"bpm": self.bpm, "beat_phase": self.beat_phase,
                "bar_position": self.bar_position, "beat_count": self.beat_count,
                "is_playing": self.playing}

    def __repr__(self) -> str:
        return (f"Clock({self.bpm:g} bpm, {self.beats_per_bar}/bar, beat {self.beat:.3f}, "
                f"{'playing' if self.playing else 'stopped'})")
