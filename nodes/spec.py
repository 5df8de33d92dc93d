"""Node specifications: typed ports, typed parameters, and the Node base class.

A node type is a small class that *declares* what it consumes (``inputs``),
what it produces (``outputs``), and what it can be tuned with (``params``).
The evaluator reads these declarations to validate graphs, build plans and
drive parameter modulation; the editor reads them to draw ports and sliders;
the exporter reads them to build Scope config fields.  Nothing here imports Qt.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Any, ClassVar, Sequence


class Kind(str, enum.Enum):
    """Data kinds that travel along links."""

    FIELD = "field"  # (S, S) float32 scalar field
    VFIELD = "vfield"  # (2, S, S) float32 vector field, (vy, vx) in pixels/step
    SCALAR = "scalar"  # python float signal (one value per frame)
    PALETTE = "palette"  # Palette description (cosine palette coefficients)
    RGB = "rgb"  # (H, W, 3) float32 image in [0, 1]
    SEED = "seed"  # a seeding recipe consumed by an engine
    PERTURB = "perturb"  # per-step perturbation settings consumed by an engine
    COVERAGE = "coverage"  # per-frame coverage-management policy consumed by an engine


#: which kinds may feed which.  Only identical kinds connect, except that a
#: field may drive a scalar-free input nowhere else: kept explicit for clarity.
def kinds_compatible(src: Kind, dst: Kind) -> bool:
    return src == dst


class ParamType(str, enum.Enum):
    FLOAT = "float"
    INT = "int"
    BOOL = "bool"
    ENUM = "enum"
    VEC3 = "vec3"  # three floats (an RGB triple, palette coefficients)
    LIST = "list"  # list of floats, or of fixed-size float tuples (``item_size``)


@dataclass(frozen=True)
class Port:
    name: str
    kind: Kind
    optional: bool = False
    doc: str = ""


@dataclass(frozen=True)
class Param:
    """A tunable parameter.

    ``structural`` parameters change static work (kernel spectra, masks, sizes):
    they cannot be modulated per frame and changing them rebuilds only that
    node's caches.  Every numeric, non-structural parameter can be driven by a
    scalar link (for example from an LFO) whose target port is the param name.
    """

    name: str
    type: ParamType
    default: Any
    min: float | None = None
    max: float | None = None
    step: float | None = None
    choices: tuple[str, ...] = ()
    label: str = ""
    doc: str = ""
    structural: bool = False
    item_size: int = 1  # LIST: values per item (2 for (lo, hi) pairs)
    min_items: int = 0
    max_items: int = 64
    #: ENUM: choice -> the node's params only that choice reads (e.g. a palette's
    #: ``custom`` reads its colours; the named ones ignore them)
    needs: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def needed_by(self, choice: str) -> tuple[str, ...]:
        return dict(self.needs).get(choice, ())

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()

    @property
    def numeric(self) -> bool:
        return self.type in (ParamType.FLOAT, ParamType.INT)

    @property
    def modulatable(self) -> bool:
        return self.numeric and not self.structural

    def coerce(self, value: Any) -> Any:
        """Return ``value`` converted to this param's type, or raise ValueError
        with a message that names the problem (never the param: callers add it)."""
        t = self.type
        if t is ParamType.BOOL:
            if isinstance(value, bool):
                return value
            raise ValueError(f"expected true/false, got {value!r}")
        if t is ParamType.ENUM:
            if isinstance(value, str) and value in self.choices:
                return value
            raise ValueError(f"expected one of {list(self.choices)}, got {value!r}")
        if t in (ParamType.FLOAT, ParamType.INT):
            v = _number(value)
            if t is ParamType.INT:
                if float(v) != int(v):
                    raise ValueError(f"expected a whole number, got {value!r}")
                v = int(v)
            else:
                v = float(v)
            self._check_range(v)
            return v
        if t is ParamType.VEC3:
            if not isinstance(value, (list, tuple)) or len(value) != 3:
                raise ValueError(f"expected a list of 3 numbers, got {value!r}")
            out = tuple(float(_number(x)) for x in value)
            for x in out:
                self._check_range(x)
            return out
        if t is ParamType.LIST:
            if not isinstance(value, (list, tuple)):
                raise ValueError(f"expected a list, got {type(value).__name__}")
            if not (self.min_items <= len(value) <= self.max_items):
                raise ValueError(
                    f"expected {self.min_items}..{self.max_items} items, got {len(value)}"
                )
            items = []
            for item in value:
                if self.item_size == 1:
                    x = float(_number(item))
                    self._check_range(x)
                    items.append(x)
                else:
                    if not isinstance(item, (list, tuple)) or len(item) != self.item_size:
                        raise ValueError(
                            f"each item must be a list of {self.item_size} numbers, got {item!r}"
                        )
                    tup = tuple(float(_number(x)) for x in item)
                    for x in tup:
                        self._check_range(x)
                    items.append(tup)
            return tuple(items)
        raise AssertionError(t)  # pragma: no cover

    def _check_range(self, v: float) -> None:
        if self.min is not None and v < self.min:
            raise ValueError(f"{v:g} is below the minimum {self.min:g}")
        if self.max is not None and v > self.max:
            raise ValueError(f"{v:g} is above the maximum {self.max:g}")

    def to_json(self, value: Any) -> Any:
        if self.type is ParamType.VEC3:
            return [float(x) for x in value]
        if self.type is ParamType.LIST:
            return [list(x) if isinstance(x, tuple) else x for x in value]
        return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a number, got {value!r}")
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an int too large for a float (JSON allows any length)
        raise ValueError(f"expected a number, got a {value.bit_length()}-bit integer") from None
    if not finite:
        raise ValueError(f"expected a finite number, got {value!r}")
    return value


# -- convenience constructors (keep node declarations short) -----------------

def F(name, default, lo, hi, *, step=None, label="", doc="", structural=False) -> Param:
    return Param(name, ParamType.FLOAT, float(default), lo, hi, step, label=label, doc=doc,
                 structural=structural)


def I(name, default, lo, hi, *, label="", doc="", structural=False) -> Param:  # noqa: E743
    return Param(name, ParamType.INT, int(default), lo, hi, 1, label=label, doc=doc,
                 structural=structural)


def B(name, default, *, label="", doc="", structural=False) -> Param:
    return Param(name, ParamType.BOOL, bool(default), label=label, doc=doc, structural=structural)


def E(name, default, choices: Sequence[str], *, label="", doc="", structural=False,
      needs: dict[str, Sequence[str]] | None = None) -> Param:
    return Param(name, ParamType.ENUM, default, choices=tuple(choices), label=label, doc=doc,
                 structural=structural,
                 needs=tuple((c, tuple(ps)) for c, ps in (needs or {}).items()))


def V3(name, default, lo, hi, *, label="", doc="", structural=False) -> Param:
    return Param(name, ParamType.VEC3, tuple(float(x) for x in default), lo, hi, label=label,
                 doc=doc, structural=structural)


def L(name, default, lo, hi, *, item_size=1, min_items=1, max_items=8, label="", doc="",
      structural=True) -> Param:
    d = tuple(tuple(float(y) for y in x) if item_size > 1 else float(x) for x in default)
    return Param(name, ParamType.LIST, d, lo, hi, item_size=item_size, min_items=min_items,
                 max_items=max_items, label=label, doc=doc, structural=structural)


# -- the node base class ------------------------------------------------------

@dataclass
class Context:
    """What a node sees while it runs one frame."""

    backend: Any  # nodes.backend.Backend
    size: int  # the grid's shorter side: what sizes "at 512 px" scale by (square: the grid)
    out_width: int
    out_height: int
    fps: float
    frame: int = 0
    time: float = 0.0
    dt: float = 1 / 30
    steps_override: int | None = None  # forced engine steps per frame (benchmarks)
    stats: dict = field(default_factory=dict)
    clock: Any = None  # nodes.tempo.Clock: the graph's beat clock (the Runtime sets it)
    #: the simulation grid as (height, width); None: square, size x size
    grid: tuple | None = None
    #: the simulation grid is the grid asked for times this (nodes.sim_grid); the Output
    #: box-averages lift x lift blocks back to it
    lift: int = 1

    def __post_init__(self):
        self.grid = (self.size, self.size) if self.grid is None else (int(self.grid[0]),
                                                                      int(self.grid[1]))

    @property
    def h(self) -> int:
        return self.grid[0]

    @property
    def w(self) -> int:
        return self.grid[1]

    @property
    def shape(self) -> tuple:
        """The world's array shape, (height, width)."""
        return self.grid

    @property
    def square(self) -> bool:
        return self.grid[0] == self.grid[1]

    @property
    def grid_key(self) -> tuple:
        """What static work keyed by the grid depends on (a square grid: its size, as
        before rectangular grids existed, so its seeds and random draws are unchanged)."""
        return (self.size,) if self.square else self.grid

    @property
    def xp(self):
        return self.backend.xp

    @property
    def res_scale(self) -> float:
        """Grid size relative to the 512 px the presets are tuned at."""
        return self.size / 512.0


class Node:
    """Base class of every runtime node.

    Subclasses set the ClassVars and implement :meth:`process`.  Per-instance
    state lives in ``self.state`` (cleared by :meth:`reset`), static work in the
    memo cache (see :meth:`memo`), which is keyed by the values it depends on
    and so rebuilds only when those change.
    """

    type_id: ClassVar[str] = ""
    title: ClassVar[str] = ""
    category: ClassVar[str] = ""
    version: ClassVar[int] = 1
    doc: ClassVar[str] = ""
    inputs: ClassVar[tuple[Port, ...]] = ()
    outputs: ClassVar[tuple[Port, ...]] = ()
    params: ClassVar[tuple[Param, ...]] = ()
    #: a node whose output at frame t is computed from inputs at frame t-1.
    #: Links into it do not count for cycle detection (explicit feedback).
    is_delay: ClassVar[bool] = False
    #: the shortest grid side (px) on which the node draws what it draws at 512 (0: any);
    #: a graph run on a smaller grid simulates on a whole multiple of it (nodes.sim_grid)
    min_grid: ClassVar[int] = 0

    @classmethod
    def min_grid_for(cls, params: dict) -> int:
        """``min_grid`` for a node with these (saved, defaults filled in) params."""
        return cls.min_grid

    def __init__(self, node_id: str, seed: int):
        self.id = node_id
        self.seed = seed  # per-node seed derived from graph seed and node id
        self.state: dict[str, Any] = {}
        self._memo: dict[str, tuple[Any, Any]] = {}

    # -- spec helpers -------------------------------------------------------
    @classmethod
    def param(cls, name: str) -> Param:
        for p in cls.params:
            if p.name == name:
                return p
        raise KeyError(name)

    @classmethod
    def input(cls, name: str) -> Port:
        for p in cls.inputs:
            if p.name == name:
                return p
        raise KeyError(name)

    @classmethod
    def output(cls, name: str) -> Port:
        for p in cls.outputs:
            if p.name == name:
                return p
        raise KeyError(name)

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {p.name: p.default for p in cls.params}

    #: defaults of version 1 that a later version changed (or params it added): a v1
    #: node gets them filled in on load, so a file that relied on them runs as it did
    V1_DEFAULTS: ClassVar[dict] = {}

    @classmethod
    def upgrade_params(cls, params: dict, from_version: int) -> dict:
        """Migrate params saved by an older version of this node type."""
        return {**cls.V1_DEFAULTS, **params} if from_version < 2 else params

    @classmethod
    def check_params(cls, params: dict) -> list[tuple[str, str]]:
        """Problems between params that are each valid: ``(param, message)`` pairs,
        reported as warnings (the node still runs).  ``params`` holds every param,
        defaults filled in."""
        return []

    # -- runtime ------------------------------------------------------------
    def memo(self, name: str, key: Any, build):
        """Return cached static work ``name``; rebuild it when ``key`` changes."""
        hit = self._memo.get(name)
        if hit is not None and hit[0] == key:
            return hit[1]
        value = build()
        self._memo[name] = (key, value)
        return value

    def buffer(self, ctx: "Context", name: str, shape: tuple, dtype=None):
        """A persistent work array of the backend, kept in the node's state and made
        anew only when its shape or dtype changes (so a frame allocates nothing)."""
        import numpy as np

        dtype = np.dtype(np.float32 if dtype is None else dtype)
        a = self.state.get(name)
        if (a is None or a.shape != tuple(shape) or a.dtype != dtype
                or not isinstance(a, ctx.xp.ndarray)):
            a = self.state[name] = ctx.xp.empty(shape, dtype=dtype)
        return a

    def fft_work(self, ctx: "Context", name: str, stack: int = 0, spectral: bool = True,
                 shape: tuple | None = None):
        """A kept FFT work array (an rfft2 spectrum, or a real field when not ``spectral``)
        of the grid (or of a real field of ``shape``), ``stack`` deep if given, for backends
        whose FFTs write into an ``out`` (CuPy); None elsewhere (NumPy/SciPy return new
        arrays anyway)."""
        if not ctx.backend.fft_writes_out:
            return None
        import numpy as np

        h, w = shape or ctx.shape
        shape = (h, w // 2 + 1) if spectral else (h, w)
        return self.buffer(ctx, name, (stack, *shape) if stack else shape,
                           np.complex64 if spectral else np.float32)

    def rng(self, *salt: int):
        """A numpy Generator, deterministic in (node seed, salt)."""
        import numpy as np

        return np.random.default_rng([self.seed, *[int(s) & 0xFFFFFFFF for s in salt]])

    def warmup_frames(self, params: dict[str, Any]) -> int:
        """Frames after a (re)start during which this node still does extra start-up work
        (benchmarks time steady state only after them)."""
        return 0

    def reset(self) -> None:
        """Forget dynamic state (the organism restarts on the next frame)."""
        self.state.clear()

    def process(self, ctx: Context, inputs: dict[str, Any], params: dict[str, Any]) -> dict:
        raise NotImplementedError
