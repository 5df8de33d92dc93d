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
                           "plugin_version": "1.0.0", "package_spec": str(res.out_dir)}
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
