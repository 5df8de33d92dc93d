"""`cagraph scope launch` against a Scope server on another machine.

The stand-in server installs only from folders under its own root (what a pod can
read), so a launch passes only when the package really got there.  The SSH tests
start an OpenSSH server on 127.0.0.1 with a test-only host key and client key; they
skip when `sshd` is not installed (Debian/Ubuntu: apt-get install openssh-server).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from fake_server import FakeScope  # noqa: E402

from graph_app.cli import main  # noqa: E402
from scope_export import remote, scope_client  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
GRAPH = ROOT / "graphs" / "amoeba.graph"
PID = "cagraph-amoeba"
REMOTE_URL = "http://203.0.113.7:8000"  # TEST-NET-3: never this machine, never reached


@pytest.fixture(autouse=True)
def fast_polls(monkeypatch):
    real = scope_client.launch

    def quick(*a, **kw):
        kw["poll_s"] = 0.01
        kw["install_wait_s"] = 5
        return real(*a, **kw)

    monkeypatch.setattr(scope_client, "launch", quick)


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# -- deciding "local" ------------------------------------------------------------------

@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost:8000",
                                 "http://[::1]:8000", "http://127.0.0.5:8000",
                                 f"http://{socket.gethostname()}:8000"])
def test_this_machine_is_local(url):
    assert remote.is_local_server(url)


@pytest.mark.parametrize("url", [REMOTE_URL, "https://abc123-8000.proxy.runpod.net",
                                 "http://10.255.255.1:8000"])
def test_other_machines_are_not_local(url):
    assert not remote.is_local_server(url)


def test_a_remote_server_without_a_way_fails_before_exporting(tmp_path, capsys):
    out = tmp_path / "plugin"
    t0 = time.monotonic()
    rc = main(["scope", "launch", str(GRAPH), "--server", REMOTE_URL, "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 2 and time.monotonic() - t0 < 5  # no connection was tried
    assert err.count("\n") == 1 and err.startswith(f"error: Scope server {REMOTE_URL} is on")
    assert "--ssh" in err and "--package-spec" in err and "gateway-only" in err
    assert not out.exists()  # nothing exported


def test_ssh_target_parsing():
    assert remote.parse_ssh("root@203.0.113.7:22022") == remote.SshTarget(
        "root", "203.0.113.7", 22022)
    assert remote.parse_ssh("pod.example") == remote.SshTarget(None, "pod.example", None)
    for bad in ("root@", "a b@host", "root@host:99999", "root@host:x"):
        with pytest.raises(remote.RemoteError, match="--ssh"):
            remote.parse_ssh(bad)


# -- --package-spec -----------------------------------------------------------------------

def test_package_spec_is_installed_and_written_into_the_workflow(tmp_path, capsys):
    import json

    pod = tmp_path / "pod"
    from scope_export.exporter import export

    # the user copied an export to the pod by hand (gateway-only pod)
    res = export(GRAPH, pod / "amoeba")
    with FakeScope(server_root=pod) as fake:
        out = tmp_path / "laptop"
        rc = main(["scope", "launch", str(GRAPH), "--server", fake.url, "--out", str(out),
                   "--package-spec", str(pod / "amoeba")])
        assert rc == 0, capsys.readouterr().err
        assert fake.installed_from == [str(pod / "amoeba")]
        assert fake.schemas[PID]["version"] == res.version
        wf = json.loads(next(out.glob("*.scope-workflow.json")).read_text())
        ca = next(p for p in wf["pipelines"] if p["pipeline_id"] == PID)
        assert ca["source"]["package_spec"] == str(pod / "amoeba")


def test_the_stand_in_cannot_install_from_the_laptops_folder(tmp_path, capsys):
    with FakeScope(server_root=tmp_path / "pod") as fake:
        rc = main(["scope", "launch", str(GRAPH), "--server", fake.url, "--out",
                   str(tmp_path / "laptop")])
        err = capsys.readouterr().err
        assert rc == 2 and err.count("\n") == 1
        assert "no such package on the server" in err and "nothing was loaded" in err
        assert fake.loaded is None and fake.session is None


# -- bad input -------------------------------------------------------------------------

def test_a_server_without_krea_fails_before_install(tmp_path, capsys):
    with FakeScope(server_root=tmp_path) as fake:
        del fake.schemas["krea-realtime-video"]
        rc = main(["scope", "launch", str(GRAPH), "--server", fake.url, "--out",
                   str(tmp_path / "p")])
        err = capsys.readouterr().err
        assert rc == 2 and err.count("\n") == 1 and "no krea-realtime-video" in err
        assert "CUDA GPU" in err
        assert not any(p == "/api/v1/plugins" and m == "POST" for m, p, _ in fake.requests)
        assert not (tmp_path / "p").exists()


def test_a_lora_only_on_the_laptop_names_the_pod_folder(tmp_path, capsys, monkeypatch):
    from lora_files import lora_14b

    big = lora_14b(tmp_path / "mine.safetensors")
    monkeypatch.setattr(scope_client, "is_local", lambda url: False)
    with FakeScope(server_root=tmp_path / "pod") as fake:
        rc = main(["scope", "launch", str(GRAPH), "--server", fake.url, "--package-spec",
                   "git+https://example.invalid/x.git", "--lora", str(big)])
        err = capsys.readouterr().err
        assert rc == 2 and err.count("\n") == 1
        assert "only on this machine" in err and "/workspace/models/lora" in err
        assert fake.loaded is None


def test_a_failed_load_unloads_what_the_launch_installed(tmp_path, capsys):
    pod = tmp_path / "pod"
    from scope_export.exporter import export

    export(GRAPH, pod / "amoeba")
    with FakeScope(server_root=pod, load_error="CUDA out of memory") as fake:
        rc = main(["scope", "launch", str(GRAPH), "--server", fake.url, "--out",
                   str(tmp_path / "laptop"), "--package-spec", str(pod / "amoeba")])
        err = capsys.readouterr().err
        assert rc == 2 and "CUDA out of memory" in err and err.count("\n") == 1
        assert fake.installed_from and fake.uninstalled == ["scope-cagraph-amoeba"]
        assert PID not in fake.schemas and fake.session is None and fake.stopped == 1


def test_an_install_the_server_refuses_is_one_line_and_loads_nothing(tmp_path, capsys,
                                                                    monkeypatch):
    monkeypatch.setattr(scope_client, "is_local", lambda url: False)
    with FakeScope(fail_install="pip failed: could not fetch x.git") as fake:
        rc = main(["scope", "launch", str(GRAPH), "--server", fake.url, "--out",
                   str(tmp_path / "laptop"), "--package-spec", "git+https://example.invalid/x.git"])
        err = capsys.readouterr().err
        assert rc == 2 and err.count("\n") == 1 and "Traceback" not in err
        assert "could not fetch x.git" in err and "nothing was loaded" in err
        assert fake.loaded is None and fake.session is None and PID not in fake.schemas


def test_a_plugin_that_installs_but_fails_to_load_is_uninstalled_again(tmp_path, capsys,
                                                                       monkeypatch):
    monkeypatch.setattr(scope_client, "is_local", lambda url: False)
    with FakeScope(broken_install="No module named 'numba'") as fake:
        rc = main(["scope", "launch", str(GRAPH), "--server", fake.url, "--out",
                   str(tmp_path / "laptop"), "--package-spec", "git+https://example.invalid/x.git"])
        err = capsys.readouterr().err
        assert rc == 2 and err.count("\n") == 1 and "Traceback" not in err
        assert "failed to load: ImportError: No module named 'numba'" in err
        assert "uninstalled it again" in err
        assert fake.uninstalled == ["scope-cagraph-amoeba"] and fake.failed_plugins == []
        assert fake.loaded is None and fake.session is None


def test_an_unreachable_pod_is_one_line_before_exporting(tmp_path, capsys, monkeypatch):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    monkeypatch.setattr(scope_client, "is_local", lambda url: False)
    rc = main(["scope", "launch", str(GRAPH), "--server", f"http://127.0.0.1:{port}", "--out",
               str(tmp_path / "laptop"), "--ssh", "root@127.0.0.1:1"])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: cannot reach the Scope server")
    assert not (tmp_path / "laptop").exists()


# -- over SSH ----------------------------------------------------------------------------

SSHD = shutil.which("sshd") or next(
    (p for p in ("/usr/sbin/sshd", "/usr/local/sbin/sshd") if os.path.exists(p)), None)


@pytest.fixture
def sshd(tmp_path, monkeypatch):
    """An OpenSSH server on 127.0.0.1 that accepts one test key, for at most ~60 s."""
    if SSHD is None or shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        pytest.skip("OpenSSH server not installed (apt-get install openssh-server)")
    if os.geteuid() != 0:
        pytest.skip("sshd needs root here (privilege separation)")
    d = tmp_path / "ssh"
    d.mkdir()
    for name in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / name)],
                       check=True, timeout=30)
    (d / "authorized_keys").write_text((d / "client.pub").read_text())
    os.chmod(d / "authorized_keys", 0o600)
    Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation folder
    port = _free_port()
    user = subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
    (d / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {d / 'host'}\n"
        f"AuthorizedKeysFile {d / 'authorized_keys'}\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n"
        "StrictModes no\nUsePAM no\nPidFile none\nLogLevel ERROR\n"
        "Subsystem sftp internal-sftp\n")
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(d / "sshd_config")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.skip(f"sshd did not start: {proc.stderr.read().decode()[-300:]}")
            time.sleep(0.1)
    cfg = d / "config"
    cfg.write_text(f"Host 127.0.0.1\n  IdentityFile {d / 'client'}\n  IdentitiesOnly yes\n"
                   "  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n"
                   "  LogLevel ERROR\n")
    monkeypatch.setenv("CAGRAPH_SSH_CONFIG", str(cfg))
    try:
        yield f"{user}@127.0.0.1:{port}", d
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_ssh_copies_the_package_to_the_pod_and_relaunch_replaces_it(tmp_path, sshd, capsys):
    import json

    target, _ = sshd
    pod = tmp_path / "pod"
    laptop = tmp_path / "laptop"
    graph = tmp_path / "amoeba.graph"
    shutil.copy(GRAPH, graph)
    with FakeScope(server_root=pod) as fake:
        args = ["scope", "launch", str(graph), "--server", fake.url, "--out", str(laptop),
                "--ssh", target, "--remote-dir", str(pod)]
        assert main(args) == 0, capsys.readouterr().err
        on_pod = pod / "amoeba"
        assert fake.installed_from == [str(on_pod)]
        assert (on_pod / "pyproject.toml").is_file()
        first = fake.schemas[PID]["version"]
        wf = json.loads(next(laptop.glob("*.scope-workflow.json")).read_text())
        assert next(p for p in wf["pipelines"] if p["pipeline_id"] == PID)[
            "source"]["package_spec"] == str(on_pod)
        # the artist edits the graph and launches again: the pod gets the new package
        doc = json.loads(graph.read_text())
        doc["meta" if "meta" in doc else "graph"]["seed"] = 4242
        graph.write_text(json.dumps(doc))
        assert main(args) == 0, capsys.readouterr().err
        second = fake.schemas[PID]["version"]
        assert second != first and fake.installed_from == [str(on_pod)] * 2
        assert second in (on_pod / "pyproject.toml").read_text()
        install = [b for m, p, b in fake.requests if p == "/api/v1/plugins" and m == "POST"]
        assert install[-1]["upgrade"] is True


def test_a_refused_ssh_login_is_one_line_before_exporting(tmp_path, sshd, capsys):
    target, d = sshd
    (d / "authorized_keys").write_text("")  # the pod does not know this key
    with FakeScope(server_root=tmp_path / "pod") as fake:
        out = tmp_path / "laptop"
        rc = main(["scope", "launch", str(GRAPH), "--server", fake.url, "--out", str(out),
                   "--ssh", target, "--remote-dir", str(tmp_path / "pod")])
        err = capsys.readouterr().err
        assert rc == 2 and err.count("\n") == 1, err
        assert "refused the login" in err and "public key" in err
        assert not out.exists() and fake.loaded is None


def test_an_unreachable_ssh_port_is_one_line(tmp_path, capsys, monkeypatch):
    if shutil.which("ssh") is None:
        pytest.skip("ssh is not installed")
    monkeypatch.setenv("CAGRAPH_SSH_CONFIG", os.devnull)
    with FakeScope(server_root=tmp_path / "pod") as fake:
        rc = main(["scope", "launch", str(GRAPH), "--server", fake.url, "--out",
                   str(tmp_path / "laptop"), "--ssh", f"root@127.0.0.1:{_free_port()}"])
        err = capsys.readouterr().err
        assert rc == 2 and err.count("\n") == 1 and "cannot reach the pod's SSH port" in err
