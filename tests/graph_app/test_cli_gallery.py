"""`cagraph presets` and `cagraph explore`, run as a person runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


def cagraph(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = "import sys; from graph_app.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=600)


def test_presets_lists_every_bundled_graph_with_its_engine():
    r = cagraph("presets")
    assert r.returncode == 0, r.stderr
    rows = [line.split() for line in r.stdout.splitlines()]
    names = {row[0]: row[1] for row in rows}
    assert set(names) == {p.stem for p in (ROOT / "graphs").glob("*.graph")}
    assert names["amoeba"] == "lenia" and names["labyrinth"] == "grayscott"
    assert names["mnca_worm"] == "mnca" and names["sl_pulse"] == "smoothlife"


def test_presets_writes_a_contact_sheet(tmp_path):
    out = tmp_path / "sheet.png"
    r = cagraph("presets", "amoeba", "reef", "--out", str(out), "--size", "32", "--frame", "2")
    assert r.returncode == 0, r.stderr
    im = Image.open(out)
    assert im.size == (64, 32)
    px = im.convert("RGB").load()
    assert any(px[x, y] != (0, 0, 0) for x in range(64) for y in range(8, 32))
    bad = cagraph("presets", "nope")
    assert bad.returncode == 2 and "nope" in bad.stderr and "Traceback" not in bad.stderr


def test_explore_writes_reproducible_variants_and_a_sheet(tmp_path):
    # a SmoothLife graph: an MNCA one at 32 would simulate each variant at 512 (sim_grid)
    args = ["--n", "2", "--size", "32", "--frame", "1", "--amount", "0.5", "--seed", "4"]
    r1 = cagraph("explore", str(ROOT / "graphs" / "sl_gliders.graph"), "--out",
                 str(tmp_path / "a"), *args)
    assert r1.returncode == 0, r1.stderr
    files = sorted((tmp_path / "a").glob("*.graph"))
    assert [f.name for f in files] == ["sl_gliders_v00.graph", "sl_gliders_v01.graph"]
    assert Image.open(tmp_path / "a" / "sheet.png").size == (64, 32)
    r2 = cagraph("explore", str(ROOT / "graphs" / "sl_gliders.graph"), "--out",
                 str(tmp_path / "b"), "--no-sheet", *args)
    assert r2.returncode == 0, r2.stderr
    for f in files:
        assert f.read_text() == (tmp_path / "b" / f.name).read_text()
    assert cagraph("validate", *map(str, files)).returncode == 0
    bad = cagraph("explore", str(ROOT / "graphs" / "amoeba.graph"), "--out", str(tmp_path),
                  "--amount", "3")
    assert bad.returncode == 2 and "--amount" in bad.stderr


def test_python_dash_m_gives_one_line_for_a_gallery_error(tmp_path):
    # `python -m graph_app.cli` once printed a traceback here: the module ran as __main__,
    # so the CLIError cli_gallery raised was another class than the one main() caught
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "graph_app.cli", "presets", "nosuch", "--size",
                           "32", "--out", str(tmp_path / "s.png")], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == ["error: no bundled graph named nosuch "
                                                "(see `cagraph presets`)"]


@pytest.mark.parametrize("name", ["p.gif", "p.txt", "p"])
def test_presets_refuses_a_sheet_it_does_not_write_before_rendering(tmp_path, name):
    r = cagraph("presets", "amoeba", "--out", str(tmp_path / name), "--size", "32")
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and ".png or .jpg" in lines[0] and name in lines[0], lines
    assert "rendered" not in r.stderr and not any(tmp_path.iterdir())


@pytest.mark.parametrize("name", ["ex.png", "ex.mp4", "file"])
def test_explore_refuses_an_out_that_is_a_file(tmp_path, name):
    if name == "file":
        (tmp_path / name).write_text("keep me")
    r = cagraph("explore", str(ROOT / "graphs" / "amoeba.graph"), "--out",
                str(tmp_path / name), "--n", "1", "--size", "32", "--frame", "1")
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and "folder" in lines[0], lines
    assert "Traceback" not in r.stderr
    if name == "file":
        assert (tmp_path / name).read_text() == "keep me"
    else:
        assert not (tmp_path / name).exists()


def test_explore_into_a_folder_of_an_earlier_run_never_mixes_the_two(tmp_path):
    # a user explored 4 variants, then 2 into the same folder: the 2 old ones beyond the
    # new set stayed beside the new sheet. Now a second run goes beside the first
    # (DIR-2, saying so) and keeps it whole; --overwrite leaves only the new run
    graph = str(ROOT / "graphs" / "sl_gliders.graph")
    args = ["--size", "32", "--frame", "1", "--no-sheet"]
    out = tmp_path / "ex"
    assert cagraph("explore", graph, "--out", str(out), "--n", "4", *args).returncode == 0
    first = {p.name: p.read_text() for p in out.iterdir()}
    assert len(first) == 4
    (out / "notes.txt").write_text("mine")  # not explore's: never touched
    r = cagraph("explore", graph, "--out", str(out), "--n", "2", "--seed", "9", *args)
    assert r.returncode == 0, r.stderr
    assert f"{out} already holds 4 variants of an earlier run (sl_gliders): writing these to " \
        f"{out}-2" in r.stderr, r.stderr
    assert {p.name: p.read_text() for p in out.iterdir() if p.suffix == ".graph"} == first
    assert sorted(p.name for p in (tmp_path / "ex-2").iterdir()) == \
        ["sl_gliders_v00.graph", "sl_gliders_v01.graph"]
    r = cagraph("explore", graph, "--out", str(out), "--n", "2", "--seed", "9", "--overwrite",
                *args)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == \
        ["notes.txt", "sl_gliders_v00.graph", "sl_gliders_v01.graph"]
    assert (out / "sl_gliders_v00.graph").read_text() == \
        (tmp_path / "ex-2" / "sl_gliders_v00.graph").read_text()
    assert (out / "notes.txt").read_text() == "mine"


def test_presets_piped_into_head_ends_quietly():
    # `cagraph presets | head -2` printed "error: Broken pipe": the reader is gone before
    # the list is written (here closed at once, as head does once it has its lines)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = "import sys; from graph_app.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.Popen([sys.executable, "-c", code, "presets"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0 and err == "", err


def test_explore_never_deletes_or_claims_a_sheet_of_the_user_s(tmp_path):
    # a user's own sheet.png: --overwrite with --no-sheet deleted it, and a run said the
    # folder held "an earlier run"; another graph's run into a folder mixed the two
    graph = str(ROOT / "graphs" / "sl_gliders.graph")
    args = ["--n", "2", "--size", "32", "--frame", "1"]
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "sheet.png").write_bytes(b"my picture")
    r = cagraph("explore", graph, "--out", str(mine), "--no-sheet", "--overwrite", *args)
    assert r.returncode == 0 and "replacing" not in r.stderr, r.stderr
    assert (mine / "sheet.png").read_bytes() == b"my picture"
    r = cagraph("explore", str(ROOT / "graphs" / "amoeba.graph"), "--out", str(mine),
                "--no-sheet", *args)
    assert r.returncode == 0, r.stderr
    assert "holds 2 variants of an earlier run (sl_gliders)" in r.stderr, r.stderr
    assert sorted(p.name for p in mine.iterdir()) == \
        ["sheet.png", "sl_gliders_v00.graph", "sl_gliders_v01.graph"]
    assert sorted(p.name for p in (tmp_path / "mine-2").iterdir()) == \
        ["amoeba_v00.graph", "amoeba_v01.graph"]
    lone = tmp_path / "lone"
    lone.mkdir()
    (lone / "sheet.png").write_bytes(b"mine too")
    r = cagraph("explore", graph, "--out", str(lone), *args)
    assert r.returncode == 0 and f"{lone} already holds a sheet.png" in r.stderr, r.stderr
    assert (lone / "sheet.png").read_bytes() == b"mine too"
    assert (tmp_path / "lone-2" / "sheet.png").exists()


def test_presets_keeps_an_earlier_sheet_unless_overwrite(tmp_path):
    out = tmp_path / "s.png"
    out.write_bytes(b"an earlier sheet")
    args = ["presets", "reef", "--out", str(out), "--size", "32", "--frame", "1"]
    r = cagraph(*args)
    assert r.returncode == 0, r.stderr
    assert f"{out} already exists: writing this sheet to {tmp_path / 's-2.png'}" in r.stderr
    assert out.read_bytes() == b"an earlier sheet"
    assert r.stdout.strip().splitlines()[-1] == str(tmp_path / "s-2.png")
    assert Image.open(tmp_path / "s-2.png").size == (32, 32)
    r = cagraph(*args, "--overwrite")
    assert r.returncode == 0 and "already exists" not in r.stderr, r.stderr
    assert Image.open(out).size == (32, 32)
