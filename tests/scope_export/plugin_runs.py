"""Which exported plugins the Scope check runs frame by frame (conftest.py, test_plugins.py).

Every bundled graph is exported, built, installed into the check's venv, registered through
Scope's entry points and has its config checked there.  Running a plugin means numba
compiling its own vendored copy of the kernels (about 25 s each on a 2-core machine), so the
frame checks run on a covering set: the paced plugin first, then, greedily, the graph that
runs the most node types not yet run, until every node type used by a bundled graph runs
inside Scope's code at least once.  ``test_every_plugin_vendors_the_runtime_that_ran``
checks that the others carry the same runtime, byte for byte, and their own graph.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GRAPHS = sorted((ROOT / "graphs").glob("*.graph"))
PACED = ("cagraph-amoeba",)  # its pipeline is also checked for fps pacing and bad values
PACED_STEM = "amoeba"


def node_types(path: Path) -> set[str]:
    return {n["type"] for n in json.loads(path.read_text())["nodes"]}


def running_stems(graphs=GRAPHS) -> list[str]:
    types = {g.stem: node_types(g) for g in graphs}
    picked = [PACED_STEM]
    left = set().union(*types.values()) - types[PACED_STEM]
    while left:
        best = max(sorted(types), key=lambda s: len(types[s] & left))
        picked.append(best)
        left -= types[best]
    return picked
