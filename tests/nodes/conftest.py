"""Shared fixtures for the runtime tests (tests/nodes); plain helpers are in nodes_helpers.py."""

from __future__ import annotations

import pytest

import nodes
from nodes.backend import get_backend
from nodes.spec import Context

# re-exported for modules that import helpers from conftest (prefer nodes_helpers:
# several test folders have a conftest.py, so 'conftest' is ambiguous at run time)
from nodes_helpers import (  # noqa: F401
    DATA_DIR, GRAPH_FILES, GRAPHS_DIR, ROOT, engine_graph, graph_ids, params_of, run_frames,
)


@pytest.fixture
def be():
    """The NumPy backend (kernels resolve to the fast twin when one is registered)."""
    return get_backend("numpy")


@pytest.fixture
def make_ctx(be):
    """Build a node Context for calling ``node.process`` directly."""

    def make(size=64, width=None, height=None, fps=30.0, frame=0):
        return Context(be, size, width or size, height or size, fps, frame=frame,
                       time=frame / fps, dt=1.0 / fps)

    return make


@pytest.fixture
def load_graph():
    def load(name: str) -> nodes.Graph:
        return nodes.load(GRAPHS_DIR / f"{name}.graph")

    return load
