"""The explicit table of node types: type_id -> Node class.

Each library module lists its node classes in a module-level ``NODES`` tuple;
this module imports the modules named in ``LIBRARY_MODULES`` and validates every
spec once.  Importing a library module alone registers nothing.
"""

from __future__ import annotations

import importlib
import re
from functools import lru_cache

from .spec import Node, ParamType

LIBRARY_MODULES = (
    "nodes.library.signals",
    "nodes.library.seeds",
    "nodes.library.engines",
    "nodes.library.flow",
    "nodes.library.life",
    "nodes.library.colour",
    "nodes.library.math",
    "nodes.library.measure",
)

_TYPE_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def _vendored(modname: str) -> str:
    """Map a ``nodes.``-rooted module name onto this package's real name, so the
    runtime also works when vendored under another package (Scope export)."""
    root = __name__.rsplit(".", 1)[0]
    if modname == "nodes" or modname.startswith("nodes."):
        return root + modname[len("nodes"):]
    return modname


class SpecError(Exception):
    pass


def check_spec(cls: type[Node]) -> None:
    """Raise SpecError when a node class declares something inconsistent."""
    where = f"node type {cls.__name__} ({cls.type_id!r})"
    if not _TYPE_ID.match(cls.type_id or ""):
        raise SpecError(f"{where}: type_id must be dotted lowercase, e.g. 'engine.lenia'")
    if not cls.title or not cls.category:
        raise SpecError(f"{where}: title and category are required")
    names: set[str] = set()
    for p in (*cls.inputs, *cls.params):
        if not _NAME.match(p.name):
            raise SpecError(f"{where}: bad name {p.name!r}")
        if p.name in names:
            raise SpecError(f"{where}: input/param name {p.name!r} used twice")
        names.add(p.name)
    outs = [p.name for p in cls.outputs]
    if len(set(outs)) != len(outs):
        raise SpecError(f"{where}: duplicate output names")
    for p in cls.params:
        if p.type is ParamType.ENUM and not p.choices:
            raise SpecError(f"{where}: enum param {p.name!r} has no choices")
        if p.numeric and (p.min is None or p.max is None or p.min > p.max):
            raise SpecError(f"{where}: numeric param {p.name!r} needs min <= max")
        try:
            p.coerce(p.to_json(p.default))
        except ValueError as exc:
            raise SpecError(f"{where}: default of {p.name!r} is invalid: {exc}") from None


@lru_cache(maxsize=1)
def registry() -> dict[str, type[Node]]:
    table: dict[str, type[Node]] = {}
    for modname in LIBRARY_MODULES:
        mod = importlib.import_module(_vendored(modname))
        for cls in getattr(mod, "NODES", ()):
            check_spec(cls)
            if cls.type_id in table:
                raise SpecError(f"type_id {cls.type_id!r} registered twice")
            table[cls.type_id] = cls
    return table


def get(type_id: str) -> type[Node] | None:
    return registry().get(type_id)


def categories() -> dict[str, list[type[Node]]]:
    out: dict[str, list[type[Node]]] = {}
    for cls in registry().values():
        out.setdefault(cls.category, []).append(cls)
    for v in out.values():
        v.sort(key=lambda c: c.title)
    return dict(sorted(out.items()))
