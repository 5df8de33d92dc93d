"""The headless command line: render, bench, validate, info, schema (exit codes,
files written, and the messages a user reads)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from graph_app.cli import main

ROOT = Path(__file__).resolve().parents[2]
REEF = ROOT / "graphs" / "reef.graph"
AMOEBA = ROOT / "graphs" / "amoeba.graph"


def _pngs(folder: Path) -> list[np.ndarray]:
    from PIL import Image

    return [np.asarray(Image.open(p)) for p in sorted(folder.glob("frame_*.png"))]


def test_render_png_folder_is_deterministic_per_seed(tmp_path):
    # amoeba: a Gray-Scott graph such as reef would simulate 512 for a 32 px take
    args = ["render", str(AMOEBA), "--size", "32", "--frames", "3"]
    assert main([*args, "--seed", "5", "--out", str(tmp_path / "a")]) == 0
    assert main([*args, "--seed", "5", "--out", str(tmp_path / "b")]) == 0
    assert main([*args, "--seed", "6", "--out", str(tmp_path / "c")]) == 0
    a, b, c = (_pngs(tmp_path / k) for k in "abc")
    assert len(a) == 3 and a[0].shape == (32, 32, 3) and a[0].dtype == np.uint8
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not all(np.array_equal(x, y) for x, y in zip(a, c))


def test_render_mp4_has_the_frames_and_frame_size(tmp_path):
    av = pytest.importorskip("av")
    out = tmp_path / "clip.mp4"
    assert main(["render", str(AMOEBA), "--size", "32", "--width", "48", "--height", "32",
                 "--frames", "5", "--out", str(out)]) == 0
    with av.open(str(out)) as box:
        frames = [f.to_ndarray(format="rgb24") for f in box.decode(video=0)]
    assert len(frames) == 5
    assert frames[0].shape == (32, 48, 3)


def test_render_odd_frame_to_mp4_is_refused(tmp_path, capsys):
    assert main(["render", str(REEF), "--size", "32", "--width", "33", "--height", "32",
                 "--frames", "1", "--out", str(tmp_path / "x.mp4")]) == 2
    assert "even width and height" in capsys.readouterr().err


def test_set_clamps_to_the_published_range_with_a_warning(tmp_path, capsys):
    assert main(["render", str(AMOEBA), "--size", "32", "--frames", "1", "--set", "speed=1e9",
                 "--out", str(tmp_path / "f")]) == 0
    err = capsys.readouterr().err
    assert "warning" in err and "speed=1e9" in err and "outside the published range" in err


@pytest.mark.parametrize("value", ["abc", "nan", "true"])
def test_set_rejects_a_non_number_naming_file_node_and_param(tmp_path, capsys, value):
    assert main(["render", str(REEF), "--size", "32", "--frames", "1", "--set",
                 f"speed={value}", "--out", str(tmp_path / "f")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert str(REEF) in err and "'scheduler'" in err and "speed" in err


def test_set_unknown_name(tmp_path, capsys):
    assert main(["render", str(REEF), "--size", "32", "--frames", "1", "--set", "nope=1",
                 "--out", str(tmp_path / "f")]) == 2
    assert "no published parameter named 'nope'" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["render", "--frames", "0"], ["render", "--size", "0"], ["render", "--width", "-5",
                                                             "--height", "8"],
    ["render", "--height", "0", "--width", "8"], ["bench", "--frames", "0"],
    ["bench", "--warmup", "-1"], ["render", "--frames", "ten"]])
def test_counts_are_checked_before_anything_runs(argv, capsys):
    with pytest.raises(SystemExit) as ei:
        main(argv)
    assert ei.value.code == 2
    assert "argument --" in capsys.readouterr().err


def test_frame_larger_than_the_limit_is_a_named_error(tmp_path, capsys):
    assert main(["render", str(REEF), "--size", "32", "--width", "9000", "--height", "16",
                 "--frames", "1", "--out", str(tmp_path / "f")]) == 2
    err = capsys.readouterr().err
    assert "--width 9000" in err and "8192" in err


def test_bench_prints_fps(capsys):
    assert main(["bench", str(AMOEBA), "--size", "32", "--frames", "3", "--warmup", "0"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith("fps: ") and float(lines[-1].split()[1]) > 0


def test_validate_ok_and_broken(tmp_path, capsys):
    g = json.loads(REEF.read_text())
    g["nodes"][[n["id"] for n in g["nodes"]].index("engine")]["params"]["kill"] = "lots"
    bad = tmp_path / "bad.graph"
    bad.write_text(json.dumps(g))
    assert main(["validate", str(REEF)]) == 0
    assert capsys.readouterr().out.startswith("ok: ")
    assert main(["validate", str(REEF), str(bad)]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("error:"))
    assert str(bad) in line and "'engine'" in line and "kill" in line


def test_info_lists_the_published_parameters(capsys):
    assert main(["info", str(REEF)]) == 0
    out = capsys.readouterr().out
    assert "published parameters" in out and "speed" in out and "scheduler.speed" in out


def test_schema_is_json_schema_of_the_format(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["type"] == "object" and "nodes" in schema["properties"]


def _variant(tmp_path, name="v.graph", **change):
    g = json.loads(REEF.read_text())
    for key, fn in change.items():
        fn(g)
    p = tmp_path / name
    p.write_text(json.dumps(g))
    return p


def test_render_without_an_output_node_is_one_line(tmp_path, capsys):
    def drop_output(g):
        g["nodes"] = [n for n in g["nodes"] if n["type"] != "out.output"]
        g["links"] = [lk for lk in g["links"] if lk["dst"]["node"] != "output"]
        g["published"] = [p for p in g["published"] if p["node"] != "output"]

    p = _variant(tmp_path, drop_output=drop_output)
    assert main(["render", str(p), "--size", "32", "--frames", "1",
                 "--out", str(tmp_path / "f")]) == 2
    assert "no Output node" in capsys.readouterr().err


@pytest.mark.parametrize("out", ["clip.gif", "notes.txt", ""])
def test_render_refuses_outputs_it_does_not_write(tmp_path, capsys, out):
    target = str(tmp_path / out) if out else ""
    assert main(["render", str(REEF), "--size", "32", "--frames", "1", "--out", target]) == 2
    assert "--out" in capsys.readouterr().err
    assert not (tmp_path / out).exists() or not out


def test_render_into_a_used_folder_overwrite_replaces_the_earlier_take(tmp_path):
    args = ["render", str(AMOEBA), "--size", "32", "--out", str(tmp_path / "take")]
    assert main([*args, "--frames", "4"]) == 0
    (tmp_path / "take" / "notes.txt").write_text("mine")
    assert main([*args, "--frames", "2", "--overwrite"]) == 0
    assert sorted(p.name for p in (tmp_path / "take").iterdir()) == [
        "frame_00000.png", "frame_00001.png", "notes.txt"]


def test_unwritable_video_path_is_named(tmp_path, capsys):
    (tmp_path / "dir.mp4").mkdir()
    assert main(["render", str(REEF), "--size", "32", "--frames", "1",
                 "--out", str(tmp_path / "dir.mp4")]) == 2
    assert f"--out {tmp_path / 'dir.mp4'} is a folder" in capsys.readouterr().err


def test_names_with_brackets_are_printed_as_written(tmp_path, capsys):
    def rename(g):
        g["meta"]["name"] = "reef [v2]"
        g["meta"]["description"] = "units: [/s] per frame"

    p = _variant(tmp_path, "take [final].graph", rename=rename)
    assert main(["info", str(p)]) == 0
    out = capsys.readouterr().out
    assert "reef [v2]" in out and "units: [/s] per frame" in out
    assert main(["render", str(p), "--size", "32", "--frames", "1",
                 "--out", str(tmp_path / "out [a]")]) == 0
    assert "out [a]" in capsys.readouterr().err


def test_validate_reports_what_render_and_export_would_refuse(tmp_path, capsys):
    def dup(g):
        g["nodes"].append(dict(g["nodes"][0]))

    def reserved(g):
        g["published"][0]["name"] = "width"

    assert main(["validate", str(_variant(tmp_path, "d.graph", dup=dup))]) == 1
    assert "node id used twice" in capsys.readouterr().out
    assert main(["validate", str(_variant(tmp_path, "r.graph", reserved=reserved))]) == 0
    out = capsys.readouterr().out
    assert "warning: export to Scope would fail" in out and "'width'" in out


def test_edit_without_a_display_says_so(monkeypatch, capsys):
    monkeypatch.setattr("sys.platform", "linux")
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    assert main(["edit"]) == 2  # Qt would abort the process instead
    assert "needs a display" in capsys.readouterr().err


def test_scope_plugins_go_to_the_editors_data_folder(qapp, monkeypatch, tmp_path):
    """`cagraph scope launch` without --out and the editor's Launch on Scope export into
    one per-user folder: Qt's AppDataLocation for the editor's names."""
    from PySide6 import QtCore

    from graph_app.data_dir import scope_plugins_dir, user_data_dir
    from graph_app.editor.scope_link import _data_dir

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    names = (QtCore.QCoreApplication.organizationName(), QtCore.QCoreApplication.applicationName())
    QtCore.QCoreApplication.setOrganizationName("cagraph")
    QtCore.QCoreApplication.setApplicationName("cagraph")
    try:
        qt = QtCore.QStandardPaths.writableLocation(QtCore.QStandardPaths.AppDataLocation)
    finally:
        QtCore.QCoreApplication.setOrganizationName(names[0])
        QtCore.QCoreApplication.setApplicationName(names[1])
    assert user_data_dir() == Path(qt) == _data_dir()
    assert scope_plugins_dir() == Path(qt) / "scope-plugins"
    assert str(tmp_path) in qt


def _run_cli(*args, cwd=None):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "graph_app.cli", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=300)


def test_info_lists_snapshots_tempo_and_a_rectangular_grid(tmp_path):
    r = _run_cli("info", str(AMOEBA))
    assert r.returncode == 0, r.stderr
    assert "snapshots: 'amoeba', 'surge'" in r.stdout
    assert "tempo 120 bpm" in r.stdout
    rect = _variant(tmp_path, "rect.graph")
    import nodes

    g = nodes.load(rect)
    g.meta.grid = (64, 32)
    g.snapshots = []
    nodes.save(g, rect)
    r = _run_cli("info", str(rect))
    assert r.returncode == 0, r.stderr
    assert "grid 64x32" in r.stdout and "snapshots: none" in r.stdout


def test_a_bundled_graph_is_named_from_any_folder(tmp_path):
    """``cagraph info reef`` outside the checkout reads the bundled reef; a bare name that
    is neither a file nor a bundled graph says where the names are listed, in one line."""
    r = _run_cli("info", "reef", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("reef") and "grayscott" in r.stdout
    r = _run_cli("info", "reefs", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "cagraph presets" in r.stderr
    (tmp_path / "reef").write_text("not a graph")  # a file of that name wins
    r = _run_cli("info", "reef", cwd=tmp_path)
    assert r.returncode == 2 and "reef" in r.stderr and "cagraph presets" not in r.stderr
