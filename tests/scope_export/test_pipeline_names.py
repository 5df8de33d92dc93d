"""A graph saved under a new file name while it still carries a preset's name (amoeba.graph
saved as my-amoeba.graph) exports under its own pipeline id, not the stock preset's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nodes
from scope_export.exporter import derive_names, export

ROOT = Path(__file__).resolve().parents[2]
AMOEBA = ROOT / "graphs" / "amoeba.graph"


def test_a_renamed_copy_of_a_preset_gets_its_own_pipeline_id(tmp_path):
    mine = tmp_path / "my-amoeba.graph"
    shutil.copy(AMOEBA, mine)
    assert nodes.load(mine).meta.name == "amoeba"
    stock = derive_names(nodes.load(AMOEBA), None, str(AMOEBA))
    assert stock.pipeline_id == "cagraph-amoeba"
    res = export(mine, tmp_path / "out", check_loras=False)
    assert res.names.pipeline_id == "cagraph-my-amoeba"
    assert res.names.module == "scope_cagraph_my_amoeba"
    wf = json.loads(res.workflow_path.read_text())
    assert "cagraph-amoeba" not in json.dumps(wf).replace("cagraph-my-amoeba", "")


def test_names_that_are_not_a_presets_and_explicit_names_are_kept(tmp_path):
    g = nodes.load(AMOEBA)
    assert derive_names(g, "stage", "x/my-amoeba.graph").pipeline_id == "cagraph-stage"
    g.meta.name = "my organism"
    assert derive_names(g, None, "x/other.graph").pipeline_id == "cagraph-my-organism"
    g.meta.name = "amoeba"
    assert derive_names(g, None, "x/amoeba.graph").pipeline_id == "cagraph-amoeba"
    assert derive_names(g, None, None).pipeline_id == "cagraph-amoeba"
