import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from lora_files import bad_header, lora_1_3b, lora_14b, truncated  # noqa: E402

from graph_app.cli import main  # noqa: E402
from scope_export import lora  # noqa: E402


@pytest.fixture
def files(tmp_path):
    big = lora_14b(tmp_path / "style_14b.safetensors")
    return {
        "14b": big,
        "1.3b": lora_1_3b(tmp_path / "small_1.3b.safetensors"),
        "trunc": truncated(tmp_path / "cut.safetensors", big),
        "header": bad_header(tmp_path / "header.safetensors"),
        "html": tmp_path / "page.safetensors",
        "empty": tmp_path / "empty.safetensors",
    }


def test_infers_base_model(files):
    r = lora.check(files["14b"])
    assert r.ok and r.base_model == "14B" and r.rank == 4 and r.krea_compatible
    r = lora.check(files["1.3b"])
    assert r.ok and r.base_model == "1.3B" and not r.krea_compatible
    assert "1.3B" in r.problem_for_krea()


def test_broken_files(files):
    files["html"].write_bytes(b"<!DOCTYPE html><html>Not Found</html>" * 10)
    files["empty"].write_bytes(b"")
    r = lora.check(files["trunc"])
    assert not r.ok and "truncated" in r.error
    r = lora.check(files["header"])
    assert not r.ok and "invalid JSON" in r.error
    assert "not a safetensors file" in lora.check(files["html"]).error
    assert "too short" in lora.check(files["empty"]).error
    assert "not found" in lora.check(files["14b"].with_name("nope.safetensors")).error


def test_require_and_override(files):
    lora.require_krea_compatible(str(files["14b"]))
    with pytest.raises(lora.LoraError, match="1.3B"):
        lora.require_krea_compatible(str(files["1.3b"]))
    lora.require_krea_compatible(str(files["1.3b"]), allow_incompatible=True)
    with pytest.raises(lora.LoraError, match="truncated"):  # never overridable
        lora.require_krea_compatible(str(files["trunc"]), allow_incompatible=True)


def test_parse_spec():
    assert lora.parse_spec("a/b.safetensors:0.8") == ("a/b.safetensors", 0.8)
    assert lora.parse_spec("a/b.safetensors") == ("a/b.safetensors", 1.0)
    assert lora.parse_spec(r"C:\x\b.safetensors") == (r"C:\x\b.safetensors", 1.0)
    with pytest.raises(lora.LoraError):
        lora.parse_spec("x.safetensors:20")


def test_cli_lora_check(files, capsys):
    assert main(["lora", "check", str(files["14b"])]) == 0
    assert "ok for Krea" in capsys.readouterr().out
    assert main(["lora", "check", str(files["14b"]), str(files["1.3b"]), str(files["trunc"]),
                 str(files["header"])]) == 1
    out = capsys.readouterr().out
    assert "NOT for Krea" in out and "truncated" in out and "invalid JSON" in out


def test_export_refuses_bad_loras(files, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DAYDREAM_SCOPE_LORA_DIR", str(files["14b"].parent))
    g = Path(__file__).resolve().parents[2] / "graphs" / "amoeba.graph"
    out = tmp_path / "pkg"
    assert main(["export", str(g), "--out", str(out), "--lora", f"{files['1.3b']}:0.7"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: LoRA") and "1.3B" in err and "Traceback" not in err
    assert main(["export", str(g), "--out", str(out), "--lora", str(files["trunc"])]) == 2
    assert "truncated" in capsys.readouterr().err
    assert main(["export", str(g), "--out", str(out), "--lora", str(tmp_path / "no.safetensors")]) == 2
    assert "not found" in capsys.readouterr().err
    assert main(["export", str(g), "--out", str(out), "--lora", f"{files['1.3b']}:0.7",
                 "--allow-incompatible-lora"]) == 0


def test_offsets_that_are_not_numbers_are_a_broken_file(tmp_path, capsys):
    header = b'{"a": {"dtype": "F16", "shape": [2], "data_offsets": ["0", "4"]}}'
    p = tmp_path / "offsets.safetensors"
    p.write_bytes(len(header).to_bytes(8, "little") + header + b"\0" * 4)
    r = lora.check(p)
    assert not r.ok and "malformed" in r.error
    assert main(["lora", "check", str(p)]) == 1
    assert "BROKEN" in capsys.readouterr().out


def test_a_scale_that_is_not_a_number_says_so(files):
    with pytest.raises(lora.LoraError, match="scale 'abc' is not a number"):
        lora.parse_spec(f"{files['14b']}:abc")
    with pytest.raises(lora.LoraError, match="not a number"):
        lora.parse_spec(f"{files['14b']}:nan")
    assert lora.parse_spec(r"C:\loras\x.safetensors") == (r"C:\loras\x.safetensors", 1.0)


def test_loras_are_named_as_found_in_the_lora_folder(tmp_path, monkeypatch):
    from scope_export.exporter import resolve_loras

    ldir = tmp_path / "lora"
    ldir.mkdir()
    (tmp_path / "shared").mkdir()
    lora_14b(tmp_path / "shared" / "ink.safetensors")
    (ldir / "styles").symlink_to(tmp_path / "shared")  # a linked subfolder
    monkeypatch.setenv("DAYDREAM_SCOPE_LORA_DIR", str(ldir))
    (entry,), warnings = resolve_loras([str(ldir / "styles" / "ink.safetensors")])
    assert entry.filename == "styles/ink.safetensors" and not warnings
    # two different files with one base name outside the folder would share a name
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = lora_14b(tmp_path / "a" / "w.safetensors")
    b = lora_14b(tmp_path / "b" / "w.safetensors")
    with pytest.raises(lora.LoraError, match="both be named 'w.safetensors'"):
        resolve_loras([str(a), str(b)])
