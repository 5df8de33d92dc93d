"""cagraph runtime: the Qt-free graph model, node library and evaluator."""

from .backend import Backend, BackendUnavailable, get_backend
from .errors import Code, GraphError, Issue, Severity
from .evaluator import START_PREROLL, NodeFailure, Runtime
from .fileformat import FORMAT_VERSION, dumps, load, loads, save
from .graph import Graph, Link, Meta, NodeData, Published
from .validate import validate

__version__ = "0.1.0"

__all__ = [
    "Backend", "BackendUnavailable", "Code", "FORMAT_VERSION", "Graph", "GraphError", "Issue",
    "Link", "Meta", "NodeData", "NodeFailure", "Published", "Runtime", "START_PREROLL", "Severity", "dumps",
    "get_backend", "load", "loads", "save", "validate",
]
