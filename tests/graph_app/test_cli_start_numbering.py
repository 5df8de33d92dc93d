"""`cagraph render GRAPH --out DIR --start N` as a new user ran it (a subprocess): a folder's
files are numbered by the take's frame, so frame N is frame_N.png, the contact sheet's frame
N + 90 (README); a video of the same take is unchanged."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from editor_helpers import cli_on_amoeba
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
AMOEBA = ROOT / "graphs" / "amoeba.graph"


def _render(*args) -> str:
    return cli_on_amoeba("render", *args)


def _px(path: Path):
    return np.asarray(Image.open(path).convert("RGB"))


def test_a_folder_take_from_start_n_numbers_its_files_by_frame(tmp_path):
    import nodes
    from nodes.gallery import render_tile

    seq = tmp_path / "seq"
    out = _render("--start", 3, "--frames", 2, "--out", seq)
    assert sorted(p.name for p in seq.iterdir()) == ["frame_00003.png", "frame_00004.png"]
    assert "(frame_00003.png .. frame_00004.png)" in out
    # the take's frame 3 is the contact sheet's frame 3 + 90
    sheet = render_tile(nodes.load(AMOEBA), size=32, frame=3 + nodes.START_PREROLL)
    assert np.array_equal(_px(seq / "frame_00003.png"), sheet)


def test_an_overwrite_from_start_n_leaves_only_its_own_frames(tmp_path):
    from graph_app.cli import main

    again = ["render", str(AMOEBA), "--size", "32", "--out", str(tmp_path / "again")]
    assert main([*again, "--frames", "4"]) == 0
    assert main([*again, "--start", "2", "--frames", "1", "--overwrite"]) == 0
    # the earlier take's frames this one did not write go; frame 2 is this take's
    assert [p.name for p in (tmp_path / "again").iterdir()] == ["frame_00002.png"]


def test_a_video_from_start_n_holds_just_the_frames_asked(tmp_path):
    import av

    clip = tmp_path / "clip.mp4"
    out = _render("--start", 3, "--frames", 2, "--out", clip)
    assert "wrote 2 frames" in out and "frame_" not in out
    assert "(take frames 3..4)" in out  # which stretch of the take the video holds
    with av.open(str(clip)) as c:
        assert sum(1 for _ in c.decode(video=0)) == 2
