import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from lora_files import lora_14b  # noqa: E402

from scope_export.exporter import export  # noqa: E402

GRAPH = Path(__file__).resolve().parents[2] / "graphs" / "amoeba.graph"


def test_workflow_chains_ca_into_krea(tmp_path, monkeypatch):
    ldir = tmp_path / "lora"
    (ldir / "styles").mkdir(parents=True)
    a = lora_14b(ldir / "styles" / "ink.safetensors")
    b = lora_14b(tmp_path / "elsewhere.safetensors")
    monkeypatch.setenv("DAYDREAM_SCOPE_LORA_DIR", str(ldir))
    res = export(GRAPH, tmp_path / "pkg", loras=[f"{a}:0.6", str(b)], merge_mode="runtime_peft",
                 size="832x480", fps=24)
    wf = json.loads(res.workflow_path.read_text())
    assert wf["format"] == "scope-workflow" and wf["format_version"] == "1.0"
    ca, krea = wf["pipelines"]
    assert ca["role"] == "preprocessor" and ca["pipeline_id"] == "cagraph-amoeba"
    assert ca["source"] == {"type": "local", "plugin_name": "scope-cagraph-amoeba",
                           "plugin_version": res.version, "package_spec": str(res.out_dir)}
    assert res.version.startswith("1.0.0+g") and ca["pipeline_version"] == res.version
    assert ca["params"]["fps"] == 24 and ca["params"]["width"] == 832
    assert krea["role"] == "main" and krea["pipeline_id"] == "krea-realtime-video"
    assert krea["source"] == {"type": "builtin"}
    p = krea["params"]
    assert (p["width"], p["height"]) == (832, 480) and p["input_mode"] == "video"
    assert p["vace_enabled"] and p["vace_use_input_video"]
    assert p["denoising_step_list"] == [1000, 750] and 0 < p["noise_scale"] <= 1
    # LoRAs by filename relative to the LoRA folder, never absolute
    assert [(lo["filename"], lo["weight"], lo["merge_mode"]) for lo in krea["loras"]] == [
        ("styles/ink.safetensors", 0.6, "runtime_peft"),
        ("elsewhere.safetensors", 1.0, "runtime_peft")]
    assert all(not Path(lo["filename"]).is_absolute() and len(lo["sha256"]) == 64
               for lo in krea["loras"])
    readme = (res.out_dir / "README.md").read_text()
    assert "daydream-scope install" in readme and "/workspace/models/lora" in readme
    assert "styles/ink.safetensors" in readme
    # the LoRA outside Scope's folder is named by its base name, and the user is told
    # to copy it there (Scope's import resolver would report it missing otherwise)
    [warn] = [w for w in res.warnings if "LoRA" in w]
    assert str(b) in warn and "'elsewhere.safetensors'" in warn and str(ldir) in warn


def _named_graph(tmp_path, name):
    doc = json.loads(GRAPH.read_text())
    doc["meta"]["name"] = name
    p = tmp_path / "named.graph"
    p.write_text(json.dumps(doc))
    return p


def test_a_graph_name_never_becomes_code(tmp_path, monkeypatch):
    import ast
    import tomllib

    monkeypatch.setenv("DAYDREAM_SCOPE_LORA_DIR", str(tmp_path / "lora"))
    for i, name in enumerate(['x"""; print("INJECTED"); """', "back\\xslash", "two\nlines",
                              "it's \"quoted\" \x7f", "Gelée ✨"]):
        res = export(_named_graph(tmp_path, name), tmp_path / f"pkg{i}")
        toml = tomllib.loads((res.out_dir / "pyproject.toml").read_text())
        assert toml["project"]["name"].startswith("scope-cagraph-")
        for py in (res.out_dir / res.names.module).glob("*.py"):
            tree = ast.parse(py.read_text(), str(py))  # a SyntaxError fails the test
            doc = ast.get_docstring(tree)
            # the docstring holds the name as text; the module body is only our own code
            assert not any(isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)
                           for n in tree.body), py
            if "graph '" in doc:
                assert name.replace("\x7f", "") in doc.replace("\x7f", ""), (py, doc)


def _grid_field(schema_py: Path) -> dict:
    import ast

    for node in ast.walk(ast.parse(schema_py.read_text())):
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "grid_size":
            return {k.arg: ast.literal_eval(k.value) for k in node.value.keywords
                    if k.arg in ("default", "ge", "le")}
    raise AssertionError("no grid_size field")


def test_the_plugin_accepts_the_graphs_own_grid(tmp_path, monkeypatch):
    monkeypatch.setenv("DAYDREAM_SCOPE_LORA_DIR", str(tmp_path / "lora"))
    for size in (16, 32, 4096):
        doc = json.loads(GRAPH.read_text())
        doc["meta"]["size"] = size
        p = tmp_path / f"g{size}.graph"
        p.write_text(json.dumps(doc))
        res = export(p, tmp_path / f"pkg{size}")
        f = _grid_field(res.out_dir / res.names.module / "schema.py")
        assert f["default"] == size and f["ge"] <= size <= f["le"], f


def test_exporting_another_graph_into_a_folder_replaces_the_earlier_export(tmp_path,
                                                                            monkeypatch):
    monkeypatch.setenv("DAYDREAM_SCOPE_LORA_DIR", str(tmp_path / "lora"))
    out = tmp_path / "pkg"
    export(GRAPH, out)
    (out / "my_notes.txt").write_text("mine")
    res = export(GRAPH.parent / "coral.graph", out)
    assert sorted(p.name for p in out.iterdir()) == sorted([
        "README.md", "pyproject.toml", res.names.module, res.workflow_path.name, "my_notes.txt"])


def test_the_plugin_version_follows_what_it_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("DAYDREAM_SCOPE_LORA_DIR", str(tmp_path / "lora"))
    a = export(GRAPH, tmp_path / "a").version
    doc = json.loads(GRAPH.read_text())
    doc["ui"] = {"nodes": {}}  # layout only: the same plugin
    # the same file name: a copy saved under another name is another pipeline
    # (tests/scope_export/test_pipeline_names.py)
    same = tmp_path / "same" / GRAPH.name
    same.parent.mkdir()
    same.write_text(json.dumps(doc))
    assert export(same, tmp_path / "b").version == a
    doc["nodes"][0]["params"]["speed"] = 2.0  # an edit: another plugin
    edited = tmp_path / "edited" / GRAPH.name
    edited.parent.mkdir()
    edited.write_text(json.dumps(doc))
    assert export(edited, tmp_path / "c").version != a
    assert export(GRAPH, tmp_path / "d", size="832x480").version != a


def test_workflow_carries_scopes_graph(tmp_path, monkeypatch):
    """The graph section: valid under Scope's graph rules (our restatement, and Scope's own
    models where Scope is installed), CA -> Krea VACE -> sink, tempo_sync on the CA node,
    positions for Scope's graph editor, beside the legacy `pipelines` list."""
    import pydantic
    import pytest
    from scope_graph_rules import problems

    monkeypatch.setenv("DAYDREAM_SCOPE_LORA_DIR", str(tmp_path / "lora"))
    res = export(GRAPH, tmp_path / "pkg")
    wf = json.loads(res.workflow_path.read_text())
    g = wf["graph"]
    assert problems(g) == []
    pid = res.names.pipeline_id
    nodes = {n["id"]: n for n in g["nodes"]}
    assert nodes[pid]["type"] == "pipeline" and nodes[pid]["pipeline_id"] == pid
    assert nodes[pid]["tempo_sync"] is True
    assert not nodes["krea-realtime-video"].get("tempo_sync")
    assert [n["type"] for n in g["nodes"]].count("sink") == 1
    assert any(n["type"] == "source" for n in g["nodes"])  # keeps Scope in video mode
    assert {(e["from"], e["from_port"], e["to_node"], e["to_port"]) for e in g["edges"]} == {
        ("input", "video", pid, "video"),
        (pid, "video", "krea-realtime-video", "vace_input_frames"),
        ("krea-realtime-video", "video", "output", "video")}
    xs = [nodes[i]["x"] for i in ("input", pid, "krea-realtime-video", "output")]
    assert xs == sorted(xs) and all(nodes[i]["w"] > 0 and nodes[i]["h"] > 0 for i in nodes)
    # the pipeline ids the graph names are the ones the legacy list installs
    assert {p["pipeline_id"] for p in wf["pipelines"]} == {
        n["pipeline_id"] for n in g["nodes"] if n["type"] == "pipeline"}

    # the rules catch what Scope refuses (so the check above could fail)
    bad = json.loads(json.dumps(g))
    bad["nodes"] = [n for n in bad["nodes"] if n["type"] != "sink"]
    assert any("sink" in p for p in problems(bad))
    bad = json.loads(json.dumps(g))
    bad["edges"][1]["to_port"] = "vace_frames"
    assert any("vace_frames" in p for p in problems(bad))
    bad = json.loads(json.dumps(g))
    bad["nodes"][1]["tempo_sync"] = "yes"
    with pytest.raises(pydantic.ValidationError):
        problems(bad)

    # Scope's own models, where Scope is importable (not the CI stand-in)
    try:
        from scope.server.graph_schema import GraphConfig
        from scope.core.workflows.resolve import WorkflowRequest
    except ImportError:
        return
    cfg = GraphConfig.model_validate(g)
    assert cfg.validate_structure() == []
    assert [n.id for n in cfg.nodes if n.tempo_sync] == [pid]
    req = WorkflowRequest.model_validate(wf)
    assert [n.node_type_id for n in req.nodes] == [pid, "krea-realtime-video"]
