"""Session fixtures: export every graph in graphs/, build each package into a
wheel with its own build backend (hatchling, PEP 517), install all wheels into
ONE fresh virtual environment and run tests/scope_export/plugin_check.py there.

The fresh venv sees the test environment's packages (torch, pydantic, numpy,
pluggy) through a .pth file, plus the minimal Scope stand-in in fake_scope/;
it does NOT see this repository, so the plugins must run on their vendored
runtime.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
FAKE_SCOPE = HERE / "fake_scope"
GRAPHS = sorted((ROOT / "graphs").glob("*.graph"))
from plugin_runs import PACED, running_stems  # noqa: E402 - beside this file

PARTS = 2  # CI's machine has 2 cores


def _build_wheel(src: Path, outdir: Path) -> Path:
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                    str(outdir), str(src)], check=True, capture_output=True, text=True)
    return next(outdir.glob(src.joinpath("pyproject.toml").read_text().split('name = "')[1]
                            .split('"')[0].replace("-", "_") + "-*.whl"))


@pytest.fixture(scope="session")
def exports(tmp_path_factory):
    from scope_export.exporter import export

    base = tmp_path_factory.mktemp("exports")
    return {g.stem: export(g, base / g.stem) for g in GRAPHS}


@pytest.fixture(scope="session")
def wheels(exports, tmp_path_factory):
    outdir = tmp_path_factory.mktemp("wheels")
    with ThreadPoolExecutor(max_workers=2) as pool:
        built = list(pool.map(lambda r: _build_wheel(r.out_dir, outdir), exports.values()))
    return dict(zip(exports, built))


@pytest.fixture(scope="session")
def plugin_venv(wheels, tmp_path_factory):
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False, symlinks=True).create(env_dir)
    py = env_dir / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    # the test env's packages (torch, pydantic, numpy, pluggy) + the Scope stand-in
    Path(site, "_host_env.pth").write_text(
        f"{FAKE_SCOPE}\n{sysconfig.get_paths()['purelib']}\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps",
                    "--no-index", "--quiet", *map(str, wheels.values())], check=True,
                   capture_output=True, text=True)
    return py


@pytest.fixture(scope="session")
def _needs_torch():
    # the plugins hand Scope torch tensors; pyproject pins a CPU torch for Python 3.11 only
    # (elsewhere PyPI's default torch is a multi-GB CUDA build)
    pytest.importorskip("torch", reason="the plugin checks need torch; on Python 3.12+ install "
                        "a CPU build: pip install torch --index-url "
                        "https://download.pytorch.org/whl/cpu")


@pytest.fixture(scope="session")
def plugin_results(_needs_torch, plugin_venv, exports, tmp_path_factory):
    out = tmp_path_factory.mktemp("plugin_results")
    run = ",".join(exports[s].names.pipeline_id for s in running_stems())
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["CAGRAPH_BACKEND"] = "numpy"
    # PARTS checks side by side (each compiles its plugins' numba kernels: CPU-bound)
    procs = [subprocess.Popen([str(plugin_venv), str(HERE / "plugin_check.py"), str(out),
                               ",".join(PACED), f"{k}/{PARTS}", run], cwd=out, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for k in range(PARTS)]
    try:
        errs = [p.communicate(timeout=1500)[1] for p in procs]  # a guard against a hang
    finally:
        for p in procs:
            p.kill()
    for p, err in zip(procs, errs):
        assert p.returncode == 0, err[-4000:]
    parts = [json.loads((out / f"results_{k}.json").read_text()) for k in range(PARTS)]
    res = {**parts[0], "plugins": {}, "errors": [], "leaked_modules": []}
    for part in parts:
        res["plugins"].update(part["plugins"])
        res["errors"] += [e for e in part["errors"] if e not in res["errors"]]
        res["leaked_modules"] = sorted({*res["leaked_modules"], *part["leaked_modules"]})
        assert part["registered"] == parts[0]["registered"]
    res["dir"] = str(out)
    return res
