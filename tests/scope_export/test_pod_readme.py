"""The README's "Run it on a GPU pod" commands, run as written against a stand-in pod.

The pod is this machine: an OpenSSH server on 127.0.0.1 (see test_remote_launch's
``sshd``) and the stand-in Scope server, which installs only from its own folder and
lists the LoRAs of its own LoRA folder.  The commands are read from the README, with
the placeholders (POD_ID, POD_IP, SSH_PORT, /workspace/...) replaced; the clone and
``pip install`` lines are checked for shape, not run (no network in tests).
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from fake_server import FakeScope  # noqa: E402
from lora_files import lora_14b  # noqa: E402
from test_remote_launch import sshd  # noqa: E402,F401 - the fixture

ROOT = Path(__file__).resolve().parents[2]
POD_URL = "https://POD_ID-8000.proxy.runpod.net"


def pod_blocks() -> list[list[str]]:
    text = (ROOT / "README.md").read_text("utf-8")
    sec = text.split("## Run it on a GPU pod", 1)[1].split("\n## ", 1)[0]
    assert "DAYDREAM_SCOPE_LORA_DIR" in sec and "DAYDREAM_SCOPE_MODELS_DIR" in sec
    assert "/workspace/models/lora" in sec and "daydreamlive/scope" in sec
    return [[ln.strip() for ln in b.strip().splitlines() if ln.strip()]
            for b in re.findall(r"```bash\n(.*?)```", sec, re.S)]


def run(cmd: str, *, cwd: Path, subs: dict[str, str], extra: list[str] = ()):
    for k, v in subs.items():
        cmd = cmd.replace(k, v)
    argv = shlex.split(cmd)
    if argv[0] == ".venv/bin/cagraph":
        argv = [sys.executable, "-m", "graph_app.cli", *argv[1:]]
    elif argv[0] in ("scp", "ssh"):  # the test's key and host-key settings, as cagraph gets
        argv = [argv[0], "-F", os.environ["CAGRAPH_SSH_CONFIG"], *argv[1:]]
    proc = subprocess.run([*argv, *extra], cwd=cwd, capture_output=True, text=True,
                          timeout=240, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout}\n{proc.stderr}"
    return proc


def test_the_documented_pod_commands_work(tmp_path, sshd):  # noqa: F811
    target, _ = sshd
    user, hostport = target.split("@")
    port = hostport.rsplit(":", 1)[1]
    pod, laptop = tmp_path / "pod", tmp_path / "laptop"
    (pod / "models" / "lora").mkdir(parents=True)
    shutil.copytree(ROOT / "graphs", laptop / "graphs")
    lora_14b(laptop / "my_style.safetensors")
    direct, gateway = pod_blocks()
    assert direct[0].startswith("git clone ") and direct[1].endswith("pip install -e .")
    with FakeScope(server_root=pod, lora_dir=pod / "models" / "lora") as fake:
        subs = {POD_URL: fake.url, "root@POD_IP": f"{user}@127.0.0.1", "SSH_PORT": port,
                "/workspace/": f"{pod}/"}
        for cmd in direct[2:]:
            # the plugin folder on the pod goes under the test's pod, not the real home
            extra = ["--remote-dir", str(pod / "plugins")] if "--ssh" in cmd else []
            run(cmd, cwd=laptop, subs=subs, extra=extra)
        assert (pod / "models" / "lora" / "my_style.safetensors").is_file()  # scp'd
        assert fake.installed_from == [str(pod / "plugins" / "amoeba")]
        krea = next(p for p in fake.loaded["pipelines"]
                    if p["pipeline_id"] == "krea-realtime-video")["load_params"]
        assert krea["loras"][0]["path"] == str(pod / "models" / "lora" / "my_style.safetensors")
        assert fake.session["prompts"][0]["text"] == "bioluminescent jellyfish"
        sets = fake.params
        assert {"node_id": "cagraph-amoeba", "speed": 1.5} in sets
        assert any(b.get("lora_scales") == [{"path": krea["loras"][0]["path"], "scale": 0.5}]
                   for b in sets)
    # gateway-only (another pod, without the plugin): export, copy the folder "with any
    # tool", launch from its path on the pod
    with FakeScope(server_root=pod, lora_dir=pod / "models" / "lora") as fake:
        subs[POD_URL] = fake.url
        export_cmd, launch_cmd = gateway
        run(export_cmd, cwd=laptop, subs=subs)
        folder = shlex.split(export_cmd)[shlex.split(export_cmd).index("--out") + 1]
        shutil.copytree(laptop / folder, pod / folder)
        run(launch_cmd, cwd=laptop, subs=subs)
        assert fake.installed_from[-1] == str(pod / folder)
