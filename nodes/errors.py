"""Structured problems with graphs: every issue names where it is."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Code(str, enum.Enum):
    MALFORMED_JSON = "malformed_json"
    SCHEMA = "schema"  # the JSON does not have the .graph shape
    UNSUPPORTED_VERSION = "unsupported_version"
    UNKNOWN_TYPE = "unknown_type"
    UNKNOWN_PARAM = "unknown_param"
    BAD_PARAM = "bad_param"  # wrong type or out of range
    UNKNOWN_NODE = "unknown_node"
    UNKNOWN_PORT = "unknown_port"
    KIND_MISMATCH = "kind_mismatch"
    DUPLICATE_INPUT = "duplicate_input"
    MISSING_INPUT = "missing_input"
    CYCLE = "cycle"
    DUPLICATE_ID = "duplicate_id"
    BAD_PUBLISHED = "bad_published"
    NO_OUTPUT = "no_output"
    IO = "io"


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    code: Code
    message: str
    file: str | None = None
    node_id: str | None = None
    node_type: str | None = None
    param: str | None = None
    port: str | None = None
    severity: Severity = Severity.ERROR

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.node_id is not None:
            t = f" ({self.node_type})" if self.node_type else ""
            parts.append(f"node '{self.node_id}'{t}")
        if self.param:
            parts.append(f"param '{self.param}'")
        if self.port:
            parts.append(f"port '{self.port}'")
        return ": ".join(parts)

    def __str__(self) -> str:
        w = self.where()
        return f"{w}: {self.message}" if w else self.message

    def with_file(self, file: str | None) -> "Issue":
        if file is None or self.file:
            return self
        return Issue(self.code, self.message, file, self.node_id, self.node_type, self.param,
                     self.port, self.severity)


class GraphError(Exception):
    """One or more errors in a graph.  ``str()`` lists them all, one a line."""

    def __init__(self, issues: list[Issue] | Issue):
        if isinstance(issues, Issue):
            issues = [issues]
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))

    @property
    def codes(self) -> set[Code]:
        return {i.code for i in self.issues}
