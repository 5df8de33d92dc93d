"""Every graph in graphs/ exports, builds, installs into a fresh venv and registers
through the "scope" entry point; a set of them covering every node type runs there
(see conftest.py, plugin_check.py, plugin_runs.py)."""

from __future__ import annotations

import ast
import hashlib
import tomllib
from pathlib import Path

import numpy as np
import pytest

import nodes
from scope_export.exporter import derive_names

ROOT = Path(__file__).resolve().parents[2]
from plugin_runs import GRAPHS, PACED, running_stems  # noqa: E402 - beside this file

STEMS = [g.stem for g in GRAPHS]
RUNS = running_stems()
H, W, GRID, SEED, FPS = 64, 96, 64, 7, 240.0  # as plugin_check.py
REAL_SCOPE_IMPORTS = {"scope.core.plugins.hookspecs", "scope.core.pipelines.interface",
                      "scope.core.pipelines.base_schema"}


def test_there_are_graphs():
    assert "amoeba" in STEMS


def test_all_registered(plugin_results):
    assert plugin_results["errors"] == []
    assert plugin_results["leaked_modules"] == []
    ids = {derive_names(nodes.load(g)).pipeline_id for g in GRAPHS}
    assert set(plugin_results["plugins"]) == ids


def test_gpu_choice_falls_back_to_numpy_and_says_why(plugin_results):
    fb = plugin_results["gpu_fallback"]
    assert fb["auto"] == "numpy"
    assert any("simulating on the CPU" in m and "no CUDA device is usable (test)" in m
               for m in fb["log"])
    assert plugin_results["gpu_choice"] == "cupy"


@pytest.mark.parametrize("stem", STEMS)
def test_package_layout(stem, exports, wheels):
    res = exports[stem]
    meta = tomllib.loads((res.out_dir / "pyproject.toml").read_text())
    eps = meta["project"]["entry-points"]
    assert list(eps) == ["scope"] and len(eps["scope"]) == 1
    assert meta["build-system"]["build-backend"] == "hatchling.build"
    deps = " ".join(meta["project"]["dependencies"]).lower()
    assert "numpy" in deps
    for banned in ("torch", "pydantic", "pyside", "qt", "cagraph"):
        assert banned not in deps
    # CuPy comes with the plugin where Scope runs Krea (CUDA: Linux x86-64, Windows)
    from packaging.requirements import Requirement

    [cupy] = [Requirement(d) for d in meta["project"]["dependencies"] if "cupy" in d]
    assert cupy.name == "cupy-cuda12x"
    # the CPU fallback's speed (scipy, numba) is an ordinary dependency everywhere, not an extra
    plain = {r.name for r in map(Requirement, meta["project"]["dependencies"]) if r.marker is None}
    assert {"numpy", "scipy", "numba"} <= plain
    assert not meta["project"].get("optional-dependencies")

    def wanted(sys_platform, machine):
        return cupy.marker.evaluate({"sys_platform": sys_platform, "platform_machine": machine})

    assert wanted("linux", "x86_64") and wanted("win32", "AMD64")
    assert not wanted("darwin", "arm64") and not wanted("linux", "aarch64")
    assert wheels[stem].exists()
    # the generated code imports only Scope's real module paths
    for py in (res.out_dir / res.names.module).glob("*.py"):
        for node in ast.walk(ast.parse(py.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("scope"):
                assert node.module in REAL_SCOPE_IMPORTS, (py.name, node.module)
    plugin = (res.out_dir / res.names.module / "plugin.py").read_text()
    assert "from .pipeline import" in plugin and "@hookimpl" in plugin
    assert (res.out_dir / "README.md").read_text().count("daydream-scope install") >= 2


@pytest.mark.parametrize("stem", STEMS)
def test_config(stem, plugin_results, exports):
    res = exports[stem]
    rec = plugin_results["plugins"][res.names.pipeline_id]
    assert "error" not in rec, rec.get("error")
    assert rec["dist"] == res.names.dist_name
    meta = rec["meta"]
    assert meta["id"] == res.names.pipeline_id
    assert meta["name"] == res.names.pipeline_name and meta["description"]
    assert meta["version"] == res.version and res.version.startswith("1.0.0+g")
    assert meta["usage"] == ["preprocessor"]
    assert meta["supported_modes"] == ["text", "video"] and meta["default_mode"] == "text"
    assert meta["supports_prompts"] is False
    assert rec["definition"]["node_type_id"] == res.names.pipeline_id
    props = meta["config_schema"]["properties"]
    for name, prop in props.items():
        assert "default" in prop, name
    for name in ("height", "width"):
        ui = props[name]["ui"]
        assert ui["is_load_param"] is True and ui["component"] == "resolution"
        assert props[name]["multipleOf"] == 16 and props[name]["default"] % 16 == 0
    assert props["grid_size"]["ui"]["is_load_param"] is True
    for f in res.fields:
        prop = props[f.name]
        ui = prop["ui"]
        assert ui["category"] == "input" and ui["is_load_param"] is False
        assert ui["order"] == f.order and ui["label"] == f.label
        assert prop["default"] == f.default
        if f.kind in ("float", "int"):
            assert prop["minimum"] == f.ge and prop["maximum"] == f.le  # a slider
            assert prop["minimum"] <= prop["default"] <= prop["maximum"]
        elif f.kind == "enum":
            assert prop["enum"] == list(f.choices)  # a dropdown
    for extra in ("fps", "seed"):
        assert props[extra]["ui"]["category"] == "input"
    assert rec["defaults"]["height"] == res.height and rec["defaults"]["width"] == res.width


@pytest.mark.parametrize("stem", RUNS)
def test_pipeline_runs(stem, plugin_results, exports):
    rec = plugin_results["plugins"][exports[stem].names.pipeline_id]
    assert "error" not in rec, rec.get("error")
    assert rec["device"] == "cpu"
    for dtype, device, shape, lo, hi in rec["frames"]:
        assert dtype == "torch.float32" and device == "cpu"
        assert shape == [1, H, W, 3]  # THWC at the requested size
        assert 0.0 <= lo <= hi <= 1.0
    assert rec["restart_equals_first"], "init_cache must restart the organism"
    assert rec["kept_frame_unchanged"], "a returned frame must not alias the runtime's buffer"
    assert rec["seed_change_differs"]
    for name, value in rec["changed"].items():
        got = rec["applied"][name]
        assert got == pytest.approx(value) if not isinstance(value, str) else got == value, name
    assert rec["changed_differs"], "published parameters from kwargs must change the frames"


@pytest.mark.parametrize("stem", RUNS)
def test_frames_equal_runtime(stem, plugin_results, exports):
    """For a fixed seed the plugin's frames are bit-identical to the runtime's."""
    pid = exports[stem].names.pipeline_id
    got = np.load(Path(plugin_results["dir"]) / f"frames_{pid}.npz")
    rt = nodes.Runtime(nodes.load(exports[stem].out_dir / exports[stem].names.module / "graph.graph"),
                       backend="numpy", size=GRID, width=W, height=H, seed=SEED, fps=FPS,
                       preroll=nodes.START_PREROLL)
    for i in range(len(got.files)):
        want = rt.step()
        np.testing.assert_array_equal(got[f"arr_{i}"][0], want, err_msg=f"frame {i}")


def _tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def test_the_runs_cover_every_node_type_and_engine():
    from plugin_runs import node_types

    run = set().union(*(node_types(ROOT / "graphs" / f"{s}.graph") for s in RUNS))
    assert run == set().union(*map(node_types, GRAPHS))
    assert {t for t in run if t.startswith("engine.")} >= {
        "engine.lenia", "engine.smoothlife", "engine.grayscott", "engine.mnca"}
    assert set(RUNS) < set(STEMS)


@pytest.mark.parametrize("stem", sorted(set(STEMS) - set(RUNS)))
def test_every_plugin_vendors_the_runtime_that_ran(stem, plugin_results, exports):
    """A plugin not run frame by frame carries the very runtime the run ones ran (byte
    for byte) and its own graph; its frames are that runtime's frames of that graph."""
    res = exports[stem]
    rec = plugin_results["plugins"][res.names.pipeline_id]
    assert rec["ran"] is False and "error" not in rec, rec.get("error")
    pkg = res.out_dir / res.names.module
    ran = exports[RUNS[0]]
    assert _tree_digest(pkg / "_cagraph_runtime") == _tree_digest(
        ran.out_dir / ran.names.module / "_cagraph_runtime")
    assert nodes.dumps(nodes.load(pkg / "graph.graph")) == nodes.dumps(
        nodes.load(ROOT / "graphs" / f"{stem}.graph"))


@pytest.mark.parametrize("pid", PACED)
def test_bad_values_from_scope_are_ignored_not_raised(pid, plugin_results):
    st = plugin_results["plugins"][pid]["sturdy"]
    assert st["raised"] == {}, st["raised"]  # inf, NaN, negative/fractional seeds, 0 fps...
    assert st["seed"] == SEED and st["fps"] == FPS  # the good values are kept
    assert st["warnings_for_5_same_bad"] == 1  # Scope resends values: one warning each
    assert st["load_error"].startswith(pid + ": cannot load")
    assert st["raise_fps_wait"] < 0.2  # a raised frame rate does not wait out the old one


@pytest.mark.parametrize("pid", PACED)
def test_fps_pacing(pid, plugin_results):
    p = plugin_results["plugins"][pid]["pacing"]
    # 10 calls at 25 fps take 10 periods (the first call of the run is not early)
    assert 0.36 <= p["t25"] <= 0.40 + 10 * p["step"] + 0.15, p
    assert 0.18 <= p["t50"] <= 0.20 + 10 * p["step"] + 0.15, p
