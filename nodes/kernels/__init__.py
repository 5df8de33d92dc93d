"""Fused array kernels with one reference implementation and optional fast twins.

Every kernel has a *reference* implementation written once against the array
module of its inputs (so it runs on NumPy and, unfused, on CuPy).  Fast
implementations (numba on CPU, CUDA on GPU) are registered under the same
name and must match the reference to float32 tolerance: the tests compare
them.  ``be.k.<name>`` resolves to the fastest implementation the backend has.

Set ``CAGRAPH_KERNELS=reference`` to force the reference implementations.
"""

from __future__ import annotations

import importlib
import os
from typing import Callable

REFERENCE: dict[str, Callable] = {}
FAST: dict[str, dict[str, Callable]] = {"numba": {}, "cupy": {}}

_REF_MODULES = ("nodes.kernels.ref",)
_FAST_MODULES = {"numba": "nodes.kernels.cpu", "cupy": "nodes.kernels.cuda"}
_loaded: set[str] = set()


def _vendored(modname: str) -> str:
    """Map a ``nodes.``-rooted module name onto this package's real name, so the
    runtime also works when vendored under another package (Scope export)."""
    root = __name__.rsplit(".", 1)[0]
    if modname == "nodes" or modname.startswith("nodes."):
        return root + modname[len("nodes"):]
    return modname


def reference(fn: Callable) -> Callable:
    REFERENCE[fn.__name__] = fn
    return fn


def fast(flavour: str, name: str | None = None):
    def deco(fn: Callable) -> Callable:
        FAST[flavour][name or fn.__name__] = fn
        return fn
    return deco


def _load_refs() -> None:
    for m in _REF_MODULES:
        if m not in _loaded:
            importlib.import_module(_vendored(m))
            _loaded.add(m)


def load_fast(flavour: str) -> bool:
    """Import the fast kernels of ``flavour``; False when its library is missing."""
    mod = _FAST_MODULES[flavour]
    if mod in _loaded:
        return bool(FAST[flavour])
    _loaded.add(mod)
    try:
        importlib.import_module(_vendored(mod))
    except ImportError:
        FAST[flavour].clear()
        return False
    return True


class KernelSet:
    """Attribute access to the kernels a backend should use."""

    def __init__(self, backend):
        self._be = backend
        self._flavour = {"numpy": "numba", "cupy": "cupy"}[backend.name]
        self._resolved: dict[str, Callable] = {}

    def __getattr__(self, name: str) -> Callable:
        if name.startswith("_"):
            raise AttributeError(name)
        fn = self._resolved.get(name)
        if fn is None:
            _load_refs()
            if name not in REFERENCE:
                raise AttributeError(f"no kernel named {name!r}")
            fn = REFERENCE[name]
            if os.environ.get("CAGRAPH_KERNELS", "fast") != "reference" and load_fast(self._flavour):
                fn = FAST[self._flavour].get(name, fn)
            self._resolved[name] = fn
        return fn

    def implementation(self, name: str) -> str:
        fn = getattr(self, name)
        return "reference" if fn is REFERENCE.get(name) else self._flavour
