"""`cagraph scope launch/set` against a Scope-like server on loopback."""

import json
import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from fake_server import KREA, FakeScope  # noqa: E402
from lora_files import lora_1_3b, lora_14b  # noqa: E402

import graph_app.cli_scope as cli_scope  # noqa: E402
from graph_app.cli import main  # noqa: E402
from scope_export import scope_client  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
GRAPH = ROOT / "graphs" / "amoeba.graph"
PID = "cagraph-amoeba"


@pytest.fixture(autouse=True)
def fast_polls(monkeypatch):
    real = scope_client.launch

    def quick(*a, **kw):
        kw["poll_s"] = 0.01
        kw["install_wait_s"] = 5
        return real(*a, **kw)

    monkeypatch.setattr(scope_client, "launch", quick)


def amoeba_schema(tmp_path, **export_kw):
    """The schema Scope lists once the export (with these options) is installed."""
    from scope_export.exporter import export

    res = export(GRAPH, tmp_path / "schema_src", **export_kw)
    props = {f.name: {"type": {"float": "number", "int": "integer", "bool": "boolean",
                               "enum": "string"}[f.kind], "default": f.default,
                      "ui": {"category": "input"},
                      **({"minimum": f.ge, "maximum": f.le} if f.ge is not None else {}),
                      **({"enum": list(f.choices)} if f.choices else {})} for f in res.fields}
    props["height"] = {"type": "integer", "ui": {"category": "configuration"}}
    return {"id": PID, "version": res.version, "config_schema": {"properties": props}}


def test_launch_installs_loads_and_starts(tmp_path, capsys):
    big = lora_14b(tmp_path / "style.safetensors")
    server_path = "/workspace/models/lora/style.safetensors"
    with FakeScope(loras=[server_path]) as fake:
        out = tmp_path / "plugin"
        fake.installable[str(out.resolve())] = {PID: amoeba_schema(tmp_path, size="512x512")}
        rc = main(["scope", "launch", str(GRAPH), "--server", fake.url, "--out", str(out),
                   "--lora", f"{big}:0.8", "--lora-merge-mode", "runtime_peft",
                   "--size", "512x512", "--prompt", "glowing jellyfish"])
        assert rc == 0, capsys.readouterr().err
        paths = [(m, p) for m, p, _ in fake.requests]
        assert ("POST", "/api/v1/plugins") in paths  # installed because it was missing
        install = next(b for m, p, b in fake.requests if p == "/api/v1/plugins" and m == "POST")
        assert install["package"] == str(out.resolve())
        pipes = fake.loaded["pipelines"]
        assert [p["pipeline_id"] for p in pipes] == [PID, KREA]
        assert [p["node_id"] for p in pipes] == [PID, KREA]
        assert pipes[0]["load_params"] == {"height": 512, "width": 512}
        lp = pipes[1]["load_params"]
        # the server's absolute path (the file is named like the local one)
        assert lp["loras"] == [{"path": server_path, "scale": 0.8, "merge_mode": "runtime_peft"}]
        assert lp["lora_merge_mode"] == "runtime_peft"
        assert lp["height"] == 512 and lp["width"] == 512 and lp["vace_enabled"] is True
        s = fake.session
        assert s["pipeline_id"] == KREA and s["input_mode"] == "video"
        assert s["prompts"] == [{"text": "glowing jellyfish", "weight": 1.0}]
        prm = s["parameters"]
        assert prm["vace_enabled"] and prm["vace_use_input_video"]
        g = prm["graph"]
        assert {n["id"] for n in g["nodes"]} == {"input", PID, KREA, "output"}
        assert {(e["from"], e["to_node"], e["to_port"]) for e in g["edges"]} == {
            ("input", PID, "video"), (PID, KREA, "vace_input_frames"), (KREA, "output", "video")}
        assert [n["id"] for n in g["nodes"] if n.get("tempo_sync")] == [PID]
        # the same graph the exported workflow carries (less the editor's positions)
        wf = json.loads(next(out.glob("*.scope-workflow.json")).read_text())["graph"]
        strip = [{k: v for k, v in n.items() if k not in ("x", "y", "w", "h")} for n in wf["nodes"]]
        assert g == {"nodes": strip, "edges": wf["edges"]}
        assert fake.status_polls >= 3  # waited through "loading"
    assert (out / "pyproject.toml").exists()


def test_launch_skips_install_when_present(tmp_path):
    with FakeScope(installed={PID: amoeba_schema(tmp_path)}) as fake:
        assert main(["scope", "launch", str(GRAPH), "--server", fake.url,
                     "--out", str(tmp_path / "p")]) == 0
        assert ("POST", "/api/v1/plugins") not in [(m, p) for m, p, _ in fake.requests]
        assert "loras" not in fake.loaded["pipelines"][1]["load_params"]


def test_launch_replaces_another_export_of_the_graph(tmp_path, capsys):
    old = amoeba_schema(tmp_path)
    new = dict(old)
    old["version"] = "1.0.0+g0000000000"  # e.g. the graph before the artist's last edits
    with FakeScope(installed={PID: old}) as fake:
        out = tmp_path / "p"
        fake.installable[str(out.resolve())] = {PID: new}
        assert main(["scope", "launch", str(GRAPH), "--server", fake.url, "--out",
                     str(out)]) == 0
        install = [b for m, p, b in fake.requests if (m, p) == ("POST", "/api/v1/plugins")]
        assert len(install) == 1 and install[0]["upgrade"] is True
        assert "1.0.0+g0000000000" in capsys.readouterr().out  # said what it replaces
        assert fake.schemas[PID]["version"] == new["version"]


def test_launch_says_when_scope_keeps_running_the_old_export(tmp_path, capsys, monkeypatch):
    old = amoeba_schema(tmp_path)
    old["version"] = "1.0.0+g0000000000"
    with FakeScope(installed={PID: old}) as fake:  # installs, but never reloads it
        assert main(["scope", "launch", str(GRAPH), "--server", fake.url, "--out",
                     str(tmp_path / "p")]) == 2
        assert "still runs 1.0.0+g0000000000 (restart Scope" in capsys.readouterr().err


def test_launch_local_lora_on_loopback(tmp_path):
    big = lora_14b(tmp_path / "only_here.safetensors")
    with FakeScope(installed={PID: amoeba_schema(tmp_path)}) as fake:
        assert main(["scope", "launch", str(GRAPH), "--server", fake.url,
                     "--out", str(tmp_path / "p"), "--lora", str(big)]) == 0
        lp = fake.loaded["pipelines"][1]["load_params"]
        assert lp["loras"][0]["path"] == str(big.resolve())  # absolute, as Scope needs
        assert lp["lora_merge_mode"] == "permanent_merge"


def test_launch_errors(tmp_path, capsys):
    # unreachable server
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    assert main(["scope", "launch", str(GRAPH), "--server", f"http://127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot reach the Scope server at http://127.0.0.1:")
    assert err.count("\n") == 1 and "Traceback" not in err
    with FakeScope(installed={PID: amoeba_schema(tmp_path)}) as fake:
        # a LoRA neither here nor on the server
        assert main(["scope", "launch", str(GRAPH), "--server", fake.url, "--out",
                     str(tmp_path / "p"), "--lora", "ghost.safetensors"]) == 2
        err = capsys.readouterr().err
        assert "LoRA ghost.safetensors: file not found" in err and fake.url in err
        # a 1.3B LoRA is refused before anything loads
        small = lora_1_3b(tmp_path / "small.safetensors")
        assert main(["scope", "launch", str(GRAPH), "--server", fake.url, "--out",
                     str(tmp_path / "p"), "--lora", str(small)]) == 2
        assert "1.3B" in capsys.readouterr().err and fake.loaded is None
    with FakeScope(installed={PID: amoeba_schema(tmp_path)},
                   load_error="LoRA loading failed. File not found: /x.safetensors") as fake:
        assert main(["scope", "launch", str(GRAPH), "--server", fake.url, "--out",
                     str(tmp_path / "p")]) == 2
        err = capsys.readouterr().err
        assert "failed to load the pipelines: LoRA loading failed" in err
        assert fake.session is None


def test_set_parameters_and_lora_scales(tmp_path, capsys):
    with FakeScope(installed={PID: amoeba_schema(tmp_path)},
                   loras=["/l/a.safetensors", "/l/b.safetensors"]) as fake:
        fake.loaded = {"pipelines": [{"node_id": KREA, "pipeline_id": KREA, "load_params": {
            "loras": [{"path": "/l/a.safetensors", "scale": 1.0, "merge_mode": "runtime_peft"},
                      {"path": "/l/b.safetensors", "scale": 1.0,
                       "merge_mode": "permanent_merge"}]}}]}
        fake.loading_polls = 0
        assert main(["scope", "set", "--server", fake.url, "speed=2.5", "palette=" +
                     amoeba_schema(tmp_path)["config_schema"]["properties"]["palette"]["enum"][1],
                     "--lora-scale", "a.safetensors=0.4"]) == 0
        p1, p2 = fake.params
        assert p1["node_id"] == PID and p1["speed"] == 2.5 and isinstance(p1["palette"], str)
        assert p2 == {"node_id": KREA, "lora_scales": [{"path": "/l/a.safetensors", "scale": 0.4}],
                      "vace_context_scale": 1.0}
        capsys.readouterr()
        assert main(["scope", "set", "--server", fake.url, "nope=1"]) == 2
        assert "has no published parameter 'nope'" in capsys.readouterr().err
        assert main(["scope", "set", "--server", fake.url, "speed=99"]) == 2
        assert "outside" in capsys.readouterr().err
        assert main(["scope", "set", "--server", fake.url, "--lora-scale", "b.safetensors=2"]) == 2
        assert "runtime_peft" in capsys.readouterr().err
        assert main(["scope", "set", "--server", fake.url, "--lora-scale", "zz.safetensors=2"]) == 2
        assert "not loaded" in capsys.readouterr().err
        assert len(fake.params) == 2


def test_set_addresses_the_running_pipeline_when_several_are_installed(tmp_path, capsys):
    other = dict(amoeba_schema(tmp_path), id="cagraph-reef")
    with FakeScope(installed={PID: amoeba_schema(tmp_path), "cagraph-reef": other}) as fake:
        # no session yet: the server can't say which one is meant
        assert main(["scope", "set", "--server", fake.url, "speed=2"]) == 2
        err = capsys.readouterr().err
        assert "several cagraph pipelines" in err and "no running session" in err
        assert fake.params == []
        # after `scope launch` the session's graph names the CA pipeline: set finds it
        assert main(["scope", "launch", str(GRAPH), "--server", fake.url,
                     "--out", str(tmp_path / "p")]) == 0
        assert main(["scope", "set", "--server", fake.url, "speed=2"]) == 0
        assert fake.params == [{"node_id": PID, "speed": 2.0}]
        # --pipeline still wins
        assert main(["scope", "set", "--server", fake.url, "--pipeline", "cagraph-reef",
                     "speed=1"]) == 0
        assert fake.params[-1] == {"node_id": "cagraph-reef", "speed": 1.0}


def test_check_value_refuses_non_numbers_and_open_ranges_print():
    from scope_export.scope_client import ScopeError, check_value

    props = {"seed": {"type": "integer", "minimum": 0, "ui": {"category": "input"}},
             "speed": {"type": "number", "minimum": 0, "maximum": 8, "ui": {"category": "input"}}}
    with pytest.raises(ScopeError, match=">= 0"):
        check_value("p", "seed", "-1", props)
    for raw in ("nan", "inf"):
        with pytest.raises(ScopeError, match="expected a number"):
            check_value("p", "speed", raw, props)
    with pytest.raises(ScopeError, match="expected a number"):
        check_value("p", "seed", "nan", props)
    assert check_value("p", "seed", "12", props) == 12


@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:abc", "http://127.0.0.1:99999",
                                 "not a url"])
def test_a_malformed_server_url_is_a_scope_error(url):
    from scope_export.scope_client import ScopeError, normalise_url

    with pytest.raises(ScopeError, match="--server"):
        normalise_url(url)


def test_launch_without_out_writes_into_the_user_data_folder(tmp_path, monkeypatch):
    from graph_app.data_dir import scope_plugins_dir

    work, home = tmp_path / "checkout", tmp_path / "home"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    with FakeScope(installed={PID: amoeba_schema(tmp_path)}) as fake:
        assert main(["scope", "launch", str(GRAPH), "--server", fake.url]) == 0
    assert list(work.iterdir()) == []  # nothing in the current folder
    assert str(home) in str(scope_plugins_dir())
    assert (scope_plugins_dir() / "amoeba" / "pyproject.toml").exists()
