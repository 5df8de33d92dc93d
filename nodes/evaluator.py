"""Compile a graph into a plan once, then step it frame by frame.

The plan is the topological order, each node's resolved input sources, and
the param links (scalar signals driving numeric params).  Parameter edits
between frames apply without recompiling; structural edits rebuild only the
static work that depends on them (each node memoises its static work by the
values it depends on); graph edits (nodes, links) recompile the plan but keep
the state of nodes that survive.
"""

from __future__ import annotations

import copy
import math
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

from . import reach, registry, sim_grid
from .backend import Backend, get_backend
from .errors import Code, GraphError, Issue
from .graph import Graph, topo_order
from .spec import Context, Kind, Node, ParamType
from .tempo import Clock
from .validate import errors as validation_errors


@dataclass
class _Step:
    node_id: str
    node: Node
    inputs: dict[str, tuple[str, str]]  # input port -> (src node, src port)
    param_links: dict[str, tuple[str, str]]  # param name -> (src node, src port)
    # (name, default, coerce-on-read) per param, and the last coerced list/vec values
    # as (stored object, snapshot of it, coerced): the per-frame params cost dict reads
    pspec: tuple = ()
    coerced: dict = field(default_factory=dict)
    bypassed: bool = False  # a probed bypassed node: not run, shows nothing


def node_seed(graph_seed: int, node_id: str) -> int:
    """A node's own seed: mixed from the graph seed and its id.  Seeds below 2**32 give
    the values they always gave (saved takes stay reproducible); the bits above are kept
    too, so seeds that differ only there do not collide."""
    s = int(graph_seed)
    low = (s * 1_000_003 + zlib.crc32(node_id.encode())) & 0xFFFFFFFF
    return low | ((s >> 32) << 32)


def _grid_side(v, what: str, source) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v) or int(v) % 16 \
            or not 16 <= int(v) <= 8192:
        raise GraphError(Issue(Code.BAD_PARAM, f"{what} {v} must be a multiple of 16 between "
                               "16 and 8192", file=source))
    return int(v)


def resolve_grid(meta, *, size: int | None = None, grid=None, source=None) -> tuple[int, int]:
    """The simulation grid (width, height) a run of a graph with ``meta`` uses: ``grid``
    when given; else the file's ``grid``, its shorter side scaled to ``size`` when a size
    is given (the aspect kept, each side rounded to a multiple of 16); else ``size`` (or
    the file's size) squared."""
    if grid is not None:
        gw, gh = grid
        return (_grid_side(gw, "grid width", source), _grid_side(gh, "grid height", source))
    own = getattr(meta, "grid", None)
    if own:
        gw, gh = int(own[0]), int(own[1])
        if size is not None:
            n = _grid_side(size, "size", source)
            k = n / min(gw, gh)
            gw, gh = (max(16, min(8192, int(round(v * k / 16)) * 16)) for v in (gw, gh))
        return (_grid_side(gw, "grid width", source), _grid_side(gh, "grid height", source))
    n = meta.size if size is None else size
    n = _grid_side(n, "size", source)
    return n, n


#: frames a take runs before its first shown frame (``Runtime(preroll=START_PREROLL)``): the
#: seed has grown into the organism by then, so a render, a preview restart and a Scope load
#: show a formed, living organism from frame 0 (frame 10 of a take is frame 100 of the
#: simulation, where the presets' liveness is checked)
START_PREROLL = 90


class Runtime:
    """Evaluates a :class:`Graph` frame by frame on one backend.

    ``preroll`` frames are evaluated silently before the first frame :meth:`step` returns,
    and again after every :meth:`reset` / :meth:`reseed`, in the thread that calls
    :meth:`step` (the editor's preview worker, never its UI thread).  ``frame`` counts every
    evaluated frame, pre-roll included; ``shown`` counts the frames returned since the start.

    ``grid`` is the grid simulated: ``asked_grid`` times ``lift``, which is 1 unless a node
    that runs needs a finer grid (Gray-Scott, MNCA below 512: nodes.sim_grid); the output frame
    defaults to ``asked_grid``.  ``exact_grid=True`` simulates ``asked_grid`` regardless.
    """

    def __init__(self, graph: Graph, *, backend: str | Backend = "auto", size: int | None = None,
                 width: int | None = None, height: int | None = None, seed: int | None = None,
                 fps: float | None = None, source: str | None = None, preroll: int = 0,
                 grid: tuple[int, int] | None = None, targets=(), exact_grid: bool = False):
        self.graph = graph
        #: node ids evaluated besides what the Output needs (the editor's probe)
        self.targets: tuple[str, ...] = tuple(targets)
        self.source = source
        self.be = backend if isinstance(backend, Backend) else get_backend(backend)
        m = graph.meta
        #: the grid asked for (width, height): ``grid`` given, else the file's grid (its
        #: shorter side scaled to ``size`` when a size is given), else ``size`` x ``size``
        self.asked_grid = resolve_grid(m, size=size, grid=grid, source=source)
        #: the asked grid is multiplied by this to simulate (nodes.sim_grid: Gray-Scott and
        #: MNCA need 512 px); the Output scales the frame back down.  1 for most graphs
        #: ``exact_grid``: simulate the asked grid even so (kernel checks on tiny grids)
        self.exact_grid = bool(exact_grid)
        self.lift = self._lift_for(graph)
        #: the simulation grid (width, height): the asked grid times ``lift``
        self.grid = sim_grid.lifted(self.asked_grid, self.lift)
        gw, gh = self.grid
        self.size = min(gw, gh)  # the shorter side: what sizes "at 512 px" scale by
        # the output frame: given, else the file's (unless the grid was overridden), else
        # the asked grid
        own = size is None and grid is None
        aw, ah = self.asked_grid
        self.width = int(width if width is not None else (own and m.width) or aw)
        self.height = int(height if height is not None else (own and m.height) or ah)
        if not (1 <= self.width <= 8192 and 1 <= self.height <= 8192):
            raise GraphError(Issue(Code.BAD_PARAM, f"output frame {self.width}x{self.height}: "
                                   "width and height must be between 1 and 8192", file=source))
        self.seed = self._checked_seed(m.seed if seed is None else seed)
        self.fps = self._checked_fps(m.fps if fps is None else fps)
        self.ctx = Context(self.be, self.size, self.width, self.height, self.fps,
                           dt=1.0 / self.fps, grid=(gh, gw), lift=self.lift)
        self.frame = 0
        self._clock = (0.0, 0)  # (time, frame) since when the clock runs at 1 / fps
        self.preroll = int(preroll)
        if not 0 <= self.preroll <= 100_000:
            raise GraphError(Issue(Code.BAD_PARAM, f"preroll {self.preroll} must be between 0 "
                                   "and 100000 frames", file=source))
        #: the musical clock (nodes.tempo.Clock), driven by frame time: beat 0 is the first
        #: shown frame (the pre-roll runs before it); the graph's tempo sets it on compile,
        #: set_tempo / sync_tempo change it live.  Nodes read it as ``ctx.clock``.
        self.clock = Clock()
        self.ctx.clock = self.clock
        self._beat_origin = self.preroll * self.ctx.dt  # frame time of beat 0
        self.morph = None  # (A, B, t) of the last set_morph
        self._recall = None  # a scheduled or running recall (see recall())
        self._tempo_applied = None  # the graph tempo last given to the clock
        self._rolled = False  # the pre-roll of this start has run
        self.shown = 0
        self.values: dict[tuple[str, str], Any] = {}
        self._prev_values: dict[tuple[str, str], Any] = {}
        self._instances: dict[str, Node] = {}
        self._plan: list[_Step] = []
        self._output: tuple[str, str] | None = None
        self.profile: dict[str, float] | None = None
        #: with ``profile``: synchronise the device after each node (its full cost) or
        #: not (only the host time it takes to issue its work)
        self.profile_sync = True
        self.compile()

    # -- plan ---------------------------------------------------------------------
    def compile(self) -> None:
        """(Re)build the plan from the graph; raises GraphError on invalid graphs."""
        errs = validation_errors(self.graph, file=self.source, targets=self.targets)
        if errs:
            raise GraphError(errs)
        order = topo_order(self.graph)
        # only what the Output (and the targets) depend on runs; bypassed nodes are
        # spliced out of the wiring (nodes.reach)
        eff = reach.effective_links(self.graph)
        need = reach.needed(self.graph, self.targets, eff)
        into: dict[str, list] = {}
        for lk in eff:
            into.setdefault(lk.dst, []).append(lk)
        plan: list[_Step] = []
        instances: dict[str, Node] = {}
        for nid in order:
            if nid not in need:
                continue
            nd = self.graph.nodes[nid]
            cls = registry.get(nd.type)
            inst = self._instances.get(nid)
            if inst is None or type(inst) is not cls:
                inst = cls(nid, node_seed(self.seed, nid))
            instances[nid] = inst
            inputs, plinks = {}, {}
            for lk in into.get(nid, ()):
                port_names = {p.name for p in cls.inputs}
                target = inputs if lk.dst_port in port_names else plinks
                target[lk.dst_port] = (lk.src, lk.src_port)
            pspec = tuple((p.name, p.default, p.type in (ParamType.VEC3, ParamType.LIST))
                          for p in cls.params)
            plan.append(_Step(nid, inst, inputs, plinks, pspec,
                              bypassed=reach.is_bypassed(self.graph, nid)))
        self._instances = instances
        self._plan = plan
        self._want_lift = self._lift_for(self.graph)
        run = {st.node_id for st in plan if not st.bypassed}
        for vals in (self.values, self._prev_values):
            for key in [k for k in vals if k[0] not in run]:
                del vals[key]  # a node no longer run (bypassed, unneeded) shows nothing
        self._output = None
        self._apply_graph_tempo()
        for step in plan:
            if step.node.type_id == "out.output":
                self._output = (step.node_id, "rgb")
                break

    def set_targets(self, targets) -> None:
        """Evaluate ``targets`` (node ids, e.g. a probed node) besides what the Output
        needs; recompiles (surviving nodes keep their state).  On a GraphError (a target
        that misses an input) the previous targets stay."""
        old = self.targets
        self.targets = tuple(targets)
        try:
            self.compile()
        except GraphError:
            self.targets = old
            raise

    @property
    def nodes(self) -> dict[str, Node]:
        return dict(self._instances)

    # -- params -------------------------------------------------------------------
    @property
    def warmup_frames(self) -> int:
        """Frames after a (re)start during which engines still run extra warm-up steps:
        benchmarks time steady state only after these."""
        return max((step.node.warmup_frames(self._params_for(step)) for step in self._plan),
                   default=0)

    def warmup_by_node(self) -> dict[str, int]:
        """:attr:`warmup_frames` per node that has any (node id -> frames), for saying why."""
        got = {step.node_id: step.node.warmup_frames(self._params_for(step)) for step in self._plan}
        return {nid: n for nid, n in got.items() if n > 0}

    def set_param(self, node_id: str, name: str, value: Any) -> Any:
        """Change a parameter live (takes effect next frame, no recompile)."""
        got = self.graph.set_param(node_id, name, value)
        self.param_changed(node_id)
        return got

    def param_changed(self, node_id: str) -> None:
        """A param of ``node_id`` changed (here, or in place on :attr:`graph`): a node that
        declares a grid it needs (``min_grid``) may now need another (see ``regrid_needed``)."""
        nd = self.graph.nodes.get(node_id)
        if nd is not None and nd.spec is not None and nd.spec.min_grid:
            self.refresh_grid()

    def refresh_grid(self) -> bool:
        """Look again at the grid the graph needs (after its params were changed in place,
        not through :meth:`set_param`); returns :attr:`regrid_needed`."""
        self._want_lift = self._lift_for(self.graph)
        return self.regrid_needed

    def _lift_for(self, graph: Graph) -> int:
        return 1 if self.exact_grid else sim_grid.lift_factor(graph, self.asked_grid)

    @property
    def regrid_needed(self) -> bool:
        """Whether the graph, as edited since this runtime was made, simulates on another
        grid (a Gray-Scott or MNCA node added, removed or bypassed: see ``lift``): a runtime made
        now would run that grid; this one keeps its own."""
        return self._want_lift != self.lift

    def set_published(self, name: str, value: Any) -> Any:
        """Set a published parameter the way Scope's slider does: a number is clamped
        to the published range (ints rounded). Returns the value set."""
        for pub in self.graph.published:
            if pub.name == name:
                spec = self.graph.nodes[pub.node].spec
                p = spec.param(pub.param)
                if p.numeric:
                    lo, hi = pub.bounds(p)
                    if (isinstance(value, bool) or not isinstance(value, (int, float))
                            or value != value):  # NaN
                        raise GraphError(Issue(
                            Code.BAD_PARAM, f"published parameter '{name}' takes a number "
                            f"in [{lo:g}, {hi:g}], got {value!r}", file=self.source,
                            node_id=pub.node, node_type=spec.type_id, param=pub.param))
                    value = min(max(float(value), lo), hi)  # a slider's range: clamp
                    if p.type is ParamType.INT:
                        value = int(round(value))
                try:
                    return self.set_param(pub.node, pub.param, value)
                except GraphError as exc:  # e.g. a choice that is not one
                    raise GraphError([i.with_file(self.source) for i in exc.issues]) from None
        raise GraphError(Issue(Code.BAD_PUBLISHED, f"no published parameter named '{name}'",
                               file=self.source))

    def _params_for(self, step: _Step) -> dict[str, Any]:
        raw = self.graph.nodes[step.node_id].params
        cls = type(step.node)
        params = {}
        for name, default, coerce in step.pspec:
            v = raw.get(name, default)
            if coerce:
                hit = step.coerced.get(name)
                if hit is not None and hit[0] is v and hit[1] == v:
                    v = hit[2]
                else:
                    c = cls.param(name).coerce(v)
                    step.coerced[name] = (v, copy.deepcopy(v), c)
                    v = c
            params[name] = v
        for name, src in step.param_links.items():
            sig = self.values.get(src)
            if sig is None:
                continue
            p = cls.param(name)
            v = float(sig)
            if v != v:  # NaN (e.g. inf - inf upstream): the param keeps its own value
                continue
            v = min(max(v, p.min), p.max)
            params[name] = int(round(v)) if p.type is ParamType.INT else v
        return params

    # -- tempo --------------------------------------------------------------------
    def _apply_graph_tempo(self) -> None:
        """Give the graph's tempo block to the clock when it changed since last time (a
        tempo set live with set_tempo / sync_tempo stays until the file's tempo changes)."""
        t = self.graph.tempo
        key = (t.bpm, t.beats_per_bar)
        if key != self._tempo_applied:
            self._tempo_applied = key
            self.set_tempo(t.bpm, t.beats_per_bar)

    def set_tempo(self, bpm: float, beats_per_bar: int | None = None) -> None:
        """Change the clock's tempo from the next frame on (its position does not jump).
        A bad value is a GraphError naming it."""
        try:
            t = self._clock_time(self.frame)
            # before the first shown frame, beat 0 stays on it
            self.clock.set_time(t if self._rolled else max(t, 0.0))
            self.clock.set_tempo(bpm, beats_per_bar)
        except (TypeError, ValueError) as exc:
            raise GraphError(Issue(Code.BAD_PARAM, f"tempo: {exc}", file=self.source)) from None

    def sync_tempo(self, bpm=None, beat_phase=None, bar_position=None, beat_count=None,
                   is_playing=None) -> None:
        """Follow external beat state (Scope's tempo kwargs, Ableton Link, a MIDI clock)
        for the next frame: its ``beat_phase`` is the truth there, and the clock's own tempo
        fills the frames until the next call.  A bad value is a GraphError and changes
        nothing."""
        try:
            self.clock.set_time(self._clock_time(self.frame))
            self.clock.sync(bpm=bpm, beat_phase=beat_phase, bar_position=bar_position,
                            beat_count=beat_count, is_playing=is_playing)
        except (TypeError, ValueError) as exc:
            raise GraphError(Issue(Code.BAD_PARAM, f"tempo: {exc}", file=self.source)) from None

    def _frame_time(self, frame: int) -> float:
        t0, f0 = self._clock
        return t0 + (frame - f0) * self.ctx.dt  # frame * dt unless the rate changed

    def _clock_time(self, frame: int) -> float:
        return self._frame_time(frame) - self._beat_origin

    # -- running ------------------------------------------------------------------
    def reset(self) -> None:
        """Restart every node (the organism reseeds on the next frame)."""
        for inst in self._instances.values():
            inst.reset()
        self.values.clear()
        self._prev_values.clear()
        self.frame = 0
        self._clock = (0.0, 0)
        self._rolled = False
        self.shown = 0
        self.clock.reset()
        self._beat_origin = self.preroll * self.ctx.dt

    def roll(self, should_stop=None, progress=None) -> bool:
        """Run this start's pre-roll now if it has not run (``step`` does it otherwise).
        ``should_stop()`` is asked between frames; returns False when it stopped the
        pre-roll early (the rest runs at the next call).  ``progress()`` is called after
        each pre-roll frame."""
        while not self._rolled:
            if self.frame >= self.preroll:
                self._rolled = True
                break
            if should_stop is not None and should_stop():
                return False
            self._evaluate()
            if progress is not None:
                progress()
        return True

    def set_fps(self, fps: float) -> None:
        """Change the rate frames are delivered at.  The simulation clock (LFO time, the
        Step Scheduler's steps per second) follows it, so the organism keeps its speed in
        wall-clock time: a higher rate is smoother, not faster."""
        fps = self._checked_fps(fps)
        if fps == self.fps:
            return
        ctx = self.ctx
        self._clock = (self._clock[0] + (self.frame - self._clock[1]) * ctx.dt, self.frame)
        if self.frame < self.preroll:  # beat 0 stays on the first shown frame
            self._beat_origin = self._clock[0] + (self.preroll - self.frame) / fps
        self.fps = ctx.fps = fps
        ctx.dt = 1.0 / fps

    def _checked_fps(self, fps) -> float:
        fps = float(fps)
        if not 1.0 <= fps <= 240.0:  # also refuses NaN
            raise GraphError(Issue(Code.BAD_PARAM, f"fps {fps:g} must be between 1 and 240",
                                   file=self.source))
        return fps

    def _checked_seed(self, seed) -> int:
        seed = int(seed)
        if not 0 <= seed <= 2**63 - 1:
            raise GraphError(Issue(Code.BAD_PARAM, f"seed {seed} must be between 0 and "
                                   "2**63 - 1", file=self.source))
        return seed

    def reseed(self, seed: int) -> None:
        self.seed = self._checked_seed(seed)
        for nid, inst in self._instances.items():
            new_seed = node_seed(self.seed, nid)
            if new_seed != inst.seed:
                # memoised static work may be drawn from the seed (noise pools, zones,
                # LFO noise tables): rebuild it so a reseed equals a fresh Runtime
                inst._memo.clear()
            inst.seed = new_seed
        self.reset()

    def step(self):
        """Evaluate one frame; returns the Output node's RGB (a backend array the next
        step overwrites: :meth:`output_host` gives a copy to keep) or None."""
        if not self._rolled:
            self.roll()
        self.shown += 1
        return self._evaluate()

    def _evaluate(self):
        # per-thread CPU state for the frame (subnormals flushed with the numba kernels)
        self.be.begin_frame()
        try:
            return self._evaluate_frame()
        finally:
            self.be.end_frame()

    def _evaluate_frame(self):
        ctx = self.ctx
        ctx.frame = self.frame
        ctx.time = self._frame_time(self.frame)
        t = self.graph.tempo
        if (t.bpm, t.beats_per_bar) != self._tempo_applied:  # the file's tempo was edited
            self._apply_graph_tempo()
        self.clock.set_time(ctx.time - self._beat_origin)
        if self._recall is not None:
            self._recall_tick(ctx.time)
        values = self.values
        prof = self.profile
        for step in self._plan:
            if step.bypassed:
                continue
            src_vals = self._prev_values if step.node.is_delay else values
            inputs = {port: src_vals.get(src) for port, src in step.inputs.items()}
            params = self._params_for(step)
            t0 = time.perf_counter() if prof is not None else 0.0
            try:
                out = step.node.process(ctx, inputs, params)
            except GraphError:
                raise
            except Exception as exc:  # a node failed: say which one
                nd = self.graph.nodes[step.node_id]
                raise NodeFailure(step.node_id, nd.type, exc) from exc
            if prof is not None:
                if self.profile_sync:
                    self.be.synchronize()
                prof[step.node_id] = prof.get(step.node_id, 0.0) + time.perf_counter() - t0
            if out:
                for port, val in out.items():
                    values[(step.node_id, port)] = val
        self._prev_values = dict(values)
        self.frame += 1
        return values.get(self._output) if self._output else None

    # -- snapshots ------------------------------------------------------------------
    def _snapshot(self, name: str):
        from .snapshots import find

        sn = find(self.graph, name)
        if sn is None:
            names = ", ".join(repr(s.name) for s in self.graph.snapshots) or "none"
            raise GraphError(Issue(Code.BAD_PARAM, f"no snapshot named {name!r} (the graph "
                                   f"has {names})", file=self.source))
        return sn

    def apply_values(self, values: dict) -> int:
        """Set ``values[node][param]`` (saved form) where they differ; returns how many."""
        n = 0
        for nid, params in values.items():
            nd = self.graph.nodes.get(nid)
            if nd is None or nd.spec is None:
                continue
            for k, v in params.items():
                if nd.params.get(k, ...) != v:
                    self.graph.set_param(nid, k, v)
                    n += 1
        return n

    def set_morph(self, a_name: str, b_name: str, t: float) -> float:
        """Blend snapshot ``a_name`` (t=0) into ``b_name`` (t=1) now (next frame on): see
        :func:`nodes.snapshots.morph_values`.  Returns the amount used (clamped to 0..1)."""
        from .snapshots import morph_values

        a, b = self._snapshot(a_name), self._snapshot(b_name)
        t = float(t)
        t = 0.0 if t != t else min(max(t, 0.0), 1.0)
        self.apply_values(morph_values(self.graph, a, b, t))
        self.morph = (a_name, b_name, t)
        return t

    def recall(self, name: str, transition_s: float = 0.0, quantise: str | None = None) -> None:
        """Recall snapshot ``name``: over ``transition_s`` seconds of simulation time (a
        morph from the values at its start), starting at the next ``'beat'`` or ``'bar'``
        of the clock when ``quantise`` is given and the clock plays, else at the next frame.
        A newer recall replaces one scheduled or running."""
        sn = self._snapshot(name)
        secs = float(transition_s)
        if not 0.0 <= secs <= 3600.0:  # also refuses NaN
            raise GraphError(Issue(Code.BAD_PARAM, f"transition {transition_s!r} s must be "
                                   "between 0 and 3600", file=self.source))
        if quantise not in (None, "beat", "bar"):
            raise GraphError(Issue(Code.BAD_PARAM, f"quantise {quantise!r}: choose 'beat', "
                                   "'bar' or none", file=self.source))
        clock = getattr(self, "clock", None)
        at_beat = None
        if quantise and clock is not None and clock.playing:
            beat = clock.beat if self.frame else -1e-6  # before the first frame: its beat
            unit = 1.0 if quantise == "beat" else float(clock.beats_per_bar)
            off = getattr(clock, "_bar_offset", 0.0) if quantise == "bar" else 0.0
            at_beat = (math.floor((beat - off) / unit + 1e-9) + 1) * unit + off
        self._recall = {"snapshot": sn, "secs": secs, "at_beat": at_beat, "start": None}

    @property
    def recalling(self) -> bool:
        """Whether a recall is scheduled or running."""
        return self._recall is not None

    def _recall_tick(self, now: float) -> None:
        from .snapshots import capture, morph_values

        r = self._recall
        if r["start"] is None:
            clock = getattr(self, "clock", None)
            if (r["at_beat"] is not None and clock is not None and clock.playing
                    and clock.beat < r["at_beat"] - 1e-9):
                return  # waiting for the beat
            r["start"] = now
            r["from"] = capture(self.graph, r["snapshot"].published_only)
        u = 1.0 if r["secs"] <= 0 else min(1.0, (now - r["start"]) / r["secs"])
        self.apply_values(morph_values(self.graph, r["from"], r["snapshot"], u))
        if u >= 1.0:
            self._recall = None

    @property
    def has_output(self) -> bool:
        """Whether the graph has an Output node (a frame to show or render)."""
        return self._output is not None

    def output_value(self):
        """The last frame's output as the backend array itself (reused by the next frame:
        read it before stepping again), or None."""
        return self.values.get(self._output) if self._output else None

    def output_host(self):
        """The last frame's output as a host float32 (H, W, 3) array of its own (the
        runtime's buffers are reused next frame, so a kept frame must not share them)."""
        rgb = self.values.get(self._output) if self._output else None
        if rgb is None:
            return None
        host = self.be.to_host(rgb)
        return host.copy() if host is rgb else host  # NumPy: the buffer itself

    def value(self, node_id: str, port: str):
        return self.values.get((node_id, port))

    def kind_of(self, node_id: str, port: str) -> Kind | None:
        cls = type(self._instances[node_id])
        for p in cls.outputs:
            if p.name == port:
                return p.kind
        return None


class NodeFailure(RuntimeError):
    """A node raised while processing a frame."""

    def __init__(self, node_id: str, node_type: str, exc: Exception):
        self.node_id, self.node_type, self.exc = node_id, node_type, exc
        super().__init__(f"node '{node_id}' ({node_type}) failed: {type(exc).__name__}: {exc}")
