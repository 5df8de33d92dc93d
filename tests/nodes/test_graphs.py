"""Every shipped graph validates and renders (issue 2, "Tests" 6 and 8)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import nodes
from nodes import Runtime, Severity

from nodes_helpers import GRAPH_FILES, ROOT, graph_ids


def test_there_are_graphs():
    assert len(GRAPH_FILES) >= 20


@pytest.mark.parametrize("path", GRAPH_FILES, ids=graph_ids())
def test_graph_validates_and_renders(path):
    g = nodes.load(path)
    assert [i for i in nodes.validate(g) if i.severity is Severity.ERROR] == []
    assert any(n.type == "out.output" for n in g.nodes.values())
    rt = Runtime(g, backend="numpy", size=64, source=str(path))
    for _ in range(3):
        out = rt.step()
    img = rt.output_host()
    assert out.shape == img.shape == (64, 64, 3)
    assert img.dtype == np.float32
    assert np.isfinite(img).all()
    assert img.min() >= 0.0 and img.max() <= 1.0
    assert img.max() > 0.05, "all black"


@pytest.mark.parametrize("path", GRAPH_FILES[:3], ids=graph_ids()[:3])
def test_graph_renders_at_output_size(path):
    rt = Runtime(nodes.load(path), backend="numpy", size=64, width=96, height=64)
    assert rt.step().shape == (64, 96, 3)


def test_headless_import_stays_clean():
    code = textwrap.dedent("""
        import json, sys
        import numpy as np
        import nodes
        g = nodes.load(sys.argv[1])
        rt = nodes.Runtime(g, backend="numpy", size=64)
        for _ in range(5):
            rt.step()
        img = rt.output_host()
        heavy = [m for m in ("PySide6", "NodeGraphQt", "cupy", "torch", "graph_app",
                             "scope_export") if m in sys.modules]
        print(json.dumps({"heavy": heavy, "shape": list(img.shape),
                          "finite": bool(np.isfinite(img).all())}))
    """)
    res = subprocess.run([sys.executable, "-c", code, str(ROOT / "graphs" / "amoeba.graph")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "CAGRAPH_FFT_WORKERS": "1"})
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out == {"heavy": [], "shape": [64, 64, 3], "finite": True}


def test_the_bundled_graphs_are_what_the_preset_builders_write(tmp_path):
    # graphs/ is made by `python -m nodes.presets graphs`: a hand edit of a file or a
    # builder change that was not written out shows here
    from nodes import presets

    written = presets.write_all(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in GRAPH_FILES)
    for p in written:
        assert p.read_text() == (ROOT / "graphs" / p.name).read_text(), p.name


def test_a_bundled_graph_s_description_says_what_it_looks_like():
    # they said "from the prototype's 'amoeba' preset", which a user cannot know
    for p in GRAPH_FILES:
        desc = nodes.load(p).meta.description
        assert "prototype" not in desc and len(desc.split(": ", 1)[-1].split()) >= 5, (p, desc)
