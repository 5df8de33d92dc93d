"""`cagraph render` as a person runs it: as a subprocess, interrupted with Ctrl-C (SIGINT),
into folders that hold earlier takes or cannot be written, with the options people expect
(--fps, --start, --crf, a single still, BT.709-tagged video)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from graph_app.cli import main

ROOT = Path(__file__).resolve().parents[2]
REEF = ROOT / "graphs" / "reef.graph"
AMOEBA = ROOT / "graphs" / "amoeba.graph"


def _interruptible():
    # a suite started as a background job (`pytest &`) ignores SIGINT, and a child inherits
    # that: the CLI must start as it does from a terminal, with Ctrl-C live
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _cli(*args, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, "-m", "graph_app.cli", *map(str, args)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_interruptible, **kw)


def _interrupt_when(proc: subprocess.Popen, ready, timeout=120.0) -> tuple[int, str]:
    t0 = time.monotonic()
    while not ready():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() - t0 < timeout, "the render never got going"
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err


@pytest.mark.parametrize("delay_frames", [3, 8])
def test_ctrl_c_during_a_png_render_leaves_only_whole_frames(tmp_path, delay_frames):
    out = tmp_path / "take"
    proc = _cli("render", AMOEBA, "--size", "256", "--frames", "400", "--out", out)
    rc, err = _interrupt_when(proc, lambda: len(list(out.glob("frame_*.png"))) >= delay_frames)
    assert rc == 130, err
    frames = sorted(out.glob("frame_*.png"))
    assert frames and not list(out.glob(".*")), sorted(p.name for p in out.iterdir())
    for p in frames:  # every file a whole PNG (a truncated one raises here)
        with Image.open(p) as im:
            im.load()
            assert im.size == (256, 256)
    assert f"kept {len(frames)} frames" in err and str(out) in err


def test_ctrl_c_during_an_mp4_render_keeps_a_playable_video(tmp_path):
    import av

    out = tmp_path / "take.mp4"
    part = tmp_path / ".take.part.mp4"
    proc = _cli("render", AMOEBA, "--size", "128", "--frames", "2000", "--out", out)
    rc, err = _interrupt_when(proc, lambda: part.exists() and part.stat().st_size > 20_000)
    assert rc == 130, err
    assert out.exists() and not part.exists()
    with av.open(str(out)) as c:
        n = sum(1 for _ in c.decode(video=0))
    assert n > 0 and f"kept {n} frames" in err, (n, err)


def test_an_earlier_take_is_never_replaced_silently(tmp_path, capsys):
    out = tmp_path / "take.mp4"
    args = ["render", str(REEF), "--size", "32", "--frames", "2", "--out", str(out)]
    assert main(args) == 0
    first = out.read_bytes()
    assert main(args) == 0
    assert out.read_bytes() == first and (tmp_path / "take-2.mp4").exists()
    assert f"{out} already exists: writing this take to {tmp_path / 'take-2.mp4'}" in \
        capsys.readouterr().err
    assert main([*args[:-2], "--frames", "3", "--out", str(out), "--overwrite"]) == 0
    assert out.read_bytes() != first and "replacing the earlier take" in capsys.readouterr().err
    # a folder of frames: the second take goes beside the first
    folder = ["render", str(REEF), "--size", "32", "--frames", "2", "--out", str(tmp_path / "f")]
    assert main(folder) == 0 and main(folder) == 0
    assert len(list((tmp_path / "f-2").glob("frame_*.png"))) == 2


@contextlib.contextmanager
def _unwritable(folder: Path):
    """A folder nobody may write, root included (root ignores the mode bits)."""
    folder.mkdir()
    if os.geteuid() == 0:
        if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(folder)],
                                                        capture_output=True).returncode:
            pytest.skip("running as root without chattr +i: cannot make a folder read-only")
        try:
            yield folder
        finally:
            subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    else:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)


def test_outputs_that_cannot_be_written_are_refused_before_the_first_frame(tmp_path):
    cases = []
    with _unwritable(tmp_path / "ro") as ro:
        cases += [(ro / "take.mp4", "cannot write to"), (ro / "frames", "cannot write to")]
        (tmp_path / "dir.mp4").mkdir()
        (tmp_path / "notes.txt").write_text("mine")
        (tmp_path / "draft").write_text("not a folder")
        cases += [(tmp_path / "dir.mp4", "is a folder"),
                  (tmp_path / "notes.txt", "--out"),
                  (tmp_path / "draft", "is an existing file, not a folder")]
        for out, words in cases:
            t0 = time.perf_counter()
            # 1024 frames of 1024 x 1024 would take minutes: a refusal comes before any
            r = subprocess.run([sys.executable, "-m", "graph_app.cli", "render", str(AMOEBA),
                                "--size", "1024", "--frames", "1000", "--out", str(out)],
                               cwd=ROOT, capture_output=True, text=True, timeout=120)
            assert r.returncode == 2 and words in r.stderr, (out, r.stderr)
            assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
            assert time.perf_counter() - t0 < 60
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_size_that_is_not_a_multiple_of_16_blames_the_flag(capsys):
    assert main(["render", str(REEF), "--size", "500", "--frames", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --size 500") and "496 or 512" in err and "reef" not in err


def test_a_mistyped_flag_prints_the_subcommands_usage():
    r = subprocess.run([sys.executable, "-m", "graph_app.cli", "render", "--frmes", "3"],
                       cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "usage: cagraph render" in r.stderr and "--frmes" in r.stderr
    r = subprocess.run([sys.executable, "-m", "graph_app.cli", "scope", "set", "speed",
                        "--server", "http://127.0.0.1:9"], cwd=ROOT, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2 and "expected NAME=VALUE" in r.stderr
    assert "usage: cagraph scope set" in r.stderr and "connect" not in r.stderr.lower()


def test_start_skips_frames_and_a_still_is_that_frame(tmp_path):
    seq = tmp_path / "seq"
    assert main(["render", str(REEF), "--size", "32", "--frames", "6", "--out", str(seq)]) == 0
    frames = sorted(seq.glob("frame_*.png"))
    still = tmp_path / "still.png"
    assert main(["render", str(REEF), "--size", "32", "--start", "5", "--out", str(still)]) == 0
    assert np.array_equal(np.asarray(Image.open(still)), np.asarray(Image.open(frames[5])))
    assert not np.array_equal(np.asarray(Image.open(frames[0])), np.asarray(Image.open(frames[5])))
    pre = tmp_path / "pre"
    assert main(["render", str(REEF), "--size", "32", "--start", "4", "--frames", "2",
                 "--out", str(pre)]) == 0
    got = sorted(pre.glob("frame_*.png"))
    assert [np.asarray(Image.open(p)).tolist() for p in got] == \
        [np.asarray(Image.open(p)).tolist() for p in frames[4:6]]
    assert main(["render", str(REEF), "--size", "32", "--frames", "3",
                 "--out", str(tmp_path / "x.png")]) == 2


def test_video_options_fps_crf_and_bt709_tags(tmp_path):
    import av

    small, big = tmp_path / "q40.mp4", tmp_path / "q10.mp4"
    for out, crf in ((small, 40), (big, 10)):
        assert main(["render", str(AMOEBA), "--size", "64", "--frames", "8", "--fps", "12",
                     "--crf", str(crf), "--out", str(out)]) == 0
    assert small.stat().st_size < big.stat().st_size
    with av.open(str(big)) as c:
        s = c.streams.video[0]
        assert float(s.average_rate) == 12.0
        cc = s.codec_context
        assert (cc.color_primaries, cc.color_trc, cc.colorspace) == (1, 1, 1)  # BT.709
    with pytest.raises(SystemExit):
        main(["render", str(REEF), "--crf", "60"])


def test_bench_says_it_times_the_simulation_only(capsys):
    assert main(["bench", str(REEF), "--size", "32", "--frames", "2"]) == 0
    err = capsys.readouterr().err
    assert "simulation only" in err and "encodes" in err and "1 engine step a frame" in err


def test_saved_graphs_keep_ordinary_permissions(tmp_path):
    import nodes

    g = nodes.load(REEF)
    old = os.umask(0o022)
    try:
        nodes.save(g, tmp_path / "new.graph")
        assert (tmp_path / "new.graph").stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.graph"
        kept.write_text("{}")
        kept.chmod(0o640)
        nodes.save(g, kept)
        assert kept.stat().st_mode & 0o777 == 0o640 and nodes.load(kept).meta.name == g.meta.name
    finally:
        os.umask(old)
    old = os.umask(0o077)
    try:
        nodes.save(g, tmp_path / "private.graph")
        assert (tmp_path / "private.graph").stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)


def test_the_workflow_prompt_is_words_for_krea_and_custom_is_offered_only_when_it_works(tmp_path):
    from nodes import load
    from scope_export.exporter import published_fields
    from scope_export.workflow import default_prompt

    assert "Krea" not in default_prompt() and "→" not in default_prompt()
    assert main(["export", str(ROOT / "graphs" / "coral.graph"), "--out", str(tmp_path)]) == 0
    import json

    wf = json.loads(next(tmp_path.glob("*.scope-workflow.json")).read_text())
    assert wf["prompts"][0]["text"] == default_prompt()
    g = load(ROOT / "graphs" / "coral.graph")
    from nodes.graph import Published

    pal = next(n for n in g.nodes.values() if n.type == "colour.palette")
    custom = [p.name for p in g.published if p.node == pal.id and p.param.startswith("custom_")]
    if not any(p.node == pal.id and p.param == "preset" for p in g.published):
        g.publish(Published("palette", pal.id, "preset"))
    name = next(p.name for p in g.published if p.node == pal.id and p.param == "preset")

    def offered():
        return next(f for f in published_fields(g) if f.name == name).choices

    # coral publishes the custom palette's four numbers: 'custom' is a live entry in Scope,
    # 'cosine' (raw a..d vectors, which Scope cannot show) is not
    assert custom and "custom" in offered() and "cosine" not in offered()
    for c in custom:
        g.unpublish(c)
    assert "custom" not in offered() and "oil_slick" in offered()
    g.set_param(pal.id, "preset", "cosine")  # the graph's own colours: offered
    assert "cosine" in offered()


def test_a_ctrl_c_inside_a_frame_write_is_held_until_the_frame_is_counted(tmp_path):
    """The race CI hit: SIGINT landed after the encoder took a frame and before it was
    counted, so the line said one frame fewer than the file held."""
    from graph_app import render_out

    sink = render_out.FrameSink(render_out.plan(str(tmp_path / "t.mp4")), 32, 32, 30.0)
    real_write = sink.video.write

    def write_then_ctrl_c(frame):
        real_write(frame)
        os.kill(os.getpid(), signal.SIGINT)  # arrives mid-write, after the encoder has it
        time.sleep(0.01)

    frame = np.zeros((32, 32, 3), np.uint8)
    sink.write(frame)
    sink.video.write = write_then_ctrl_c
    was = signal.signal(signal.SIGINT, signal.default_int_handler)  # as from a terminal
    try:
        with pytest.raises(KeyboardInterrupt):
            sink.write(frame)
    finally:
        signal.signal(signal.SIGINT, was)
    assert sink.count == 2
    sink.close()
    import av

    with av.open(str(tmp_path / "t.mp4")) as c:
        assert sum(1 for _ in c.decode(video=0)) == sink.count


def test_the_warm_up_says_the_first_run_compiles_the_kernels_and_only_then(tmp_path):
    """A new user's first render sat at 'warm-up 0/90' for half a minute with nothing
    saying why: its first label names the numba compile where the cache is cold, also
    for the first graph of another engine (reef warms the trace, not Lenia's kernels),
    and later runs, which load the cache, do not repeat it (a user saw it on every run)."""
    env = {**os.environ, "COLUMNS": "80", "NUMBA_CACHE_DIR": str(tmp_path / "cache"),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    said = []
    for run, graph in enumerate(("reef", str(AMOEBA), str(AMOEBA))):
        r = subprocess.run([sys.executable, "-m", "graph_app.cli", "render", graph,
                            "--size", "32", "--frames", "2", "--out", str(tmp_path / f"{run}.mp4")],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        said.append(r.stdout + r.stderr)
    assert "first run compiles CPU kernels" in said[0], said[0]
    assert "first run compiles CPU kernels" in said[1], said[1]
    assert "compiles" not in said[2] and "forming pre-roll (" in said[2], said[2]
    assert any((tmp_path / "cache").rglob("*.nbi"))


def test_the_compile_label_fits_80_columns_with_its_bar():
    import nodes
    from graph_app.cli import _warm_label
    from nodes.kernels import cpu

    rt = nodes.Runtime(nodes.load(AMOEBA), backend="numpy", size=32)
    assert rt.be.k.implementation("advect") == "numba"
    was = cpu.kernels_cached
    try:
        cpu.kernels_cached = lambda *a: False
        cold = _warm_label(rt)
        cpu.kernels_cached = lambda *a: True
        warm = _warm_label(rt)
    finally:
        cpu.kernels_cached = was
    assert "compiles" in cold and "compiles" not in warm
    # "forming " + label + a bar of 8 + " 0/90 " + "-:--:--" within 80 columns
    assert len("forming ") + len(cold) + 1 + 8 + len(" 0/90 ") + 7 <= 80, cold


def test_piped_progress_prints_lines_as_the_render_goes(monkeypatch):
    # piped, rich's bars print only once the render ends; the line display says each
    # tenth as it passes (at most one a second) with the time left, then the time taken
    import io

    from rich.console import Console

    from graph_app import cli_progress

    clock = [0.0]
    monkeypatch.setattr(cli_progress.time, "perf_counter", lambda: clock[0])
    buf = io.StringIO()
    con = Console(file=buf, width=160, highlight=False)
    assert not con.is_terminal
    prog = cli_progress.bars(con)
    assert isinstance(prog, cli_progress.LineProgress)
    with prog:
        t = prog.add_task("amoeba.graph", total=20, verb="rendering")
        assert buf.getvalue().splitlines() == ["rendering amoeba.graph 0/20"]
        clock[0] = 0.5
        prog.advance(t, 2)  # a tenth, but under a second since the last line
        assert len(buf.getvalue().splitlines()) == 1
        clock[0] = 3.0
        prog.advance(t, 5)  # 7/20 in 3 s: 13 left at 3/7 s each; its own share, 35 %
        assert buf.getvalue().splitlines()[-1] == "rendering amoeba.graph 7/20 (35 %, 0:06 left)"
        clock[0] = 10.0
        prog.advance(t, 13)
    assert buf.getvalue().splitlines()[-1] == "rendering amoeba.graph 20/20 in 10.0 s"


def test_a_finished_render_s_bars_say_how_long_they_took(tmp_path):
    # piped (as a log or CI sees it) rich prints each bar's final state: a finished bar
    # ends with the time it took, not a remaining time of 0:00:00
    import re

    from graph_app.cli_progress import took

    env = {**os.environ, "COLUMNS": "160",
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    r = subprocess.run([sys.executable, "-m", "graph_app.cli", "render", str(AMOEBA), "--size",
                        "32", "--frames", "2", "--start", "1", "--out", str(tmp_path / "t.mp4")],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = r.stdout + r.stderr
    assert "0:00:00" not in out, out
    for bar in ("forming pre-roll", "skipping amoeba.graph", "rendering amoeba.graph"):
        assert re.search(re.escape(bar) + r".* in \d+\.\d s$", out, re.M), out
    assert (took(1.94), took(135)) == ("in 1.9 s", "in 0:02:15")
