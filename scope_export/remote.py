"""Getting an exported plugin onto a Scope server on another machine.

Scope installs a plugin only from a PyPI name, a git/wheel URL or a path *on the
server* (its REST API has no upload).  So for a remote server the launch needs one
of: ``--ssh user@host[:port]`` (the package is copied with the user's own ``scp``
or ``rsync`` into a folder on the pod, then installed from that path), or
``--package-spec`` (something the server itself can reach).  :func:`package_source`
decides before anything is exported or loaded.

The user's ssh setup is used as is (keys, agent, ``~/.ssh/config``); ``BatchMode``
keeps a login that wants a password from hanging.  ``CAGRAPH_SSH_CONFIG`` names an
ssh config file to use instead of the user's (``ssh -F``).
"""

from __future__ import annotations

import ipaddress
import os
import re
import shlex
import shutil
import socket
import subprocess
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

DEFAULT_REMOTE_DIR = "cagraph-plugins"  # relative to the login's home on the pod


class RemoteError(Exception):
    """A failure getting the plugin to the server; one line, says what to do."""


def _local_addresses() -> set[str]:
    addrs: set[str] = set()
    for name in {socket.gethostname(), socket.getfqdn()}:
        try:
            addrs |= {ai[4][0] for ai in socket.getaddrinfo(name, None)}
        except OSError:
            pass
    for fam, probe in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
        try:  # the address this machine would use outward (no packet is sent)
            with socket.socket(fam, socket.SOCK_DGRAM) as s:
                s.connect((probe, 9))
                addrs.add(s.getsockname()[0])
        except OSError:
            pass
    return addrs


def is_local_server(url: str) -> bool:
    """True when ``url``'s host is this machine: loopback, ``localhost``, this
    machine's host name or one of its addresses.  A name that does not resolve is
    not local."""
    host = (urllib.parse.urlsplit(url).hostname or "").strip("[]").lower()
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ips = {ipaddress.ip_address(host)}
    except ValueError:
        try:
            ips = {ipaddress.ip_address(ai[4][0].split("%")[0])
                   for ai in socket.getaddrinfo(host, None)}
        except (OSError, ValueError):
            return False
    if all(ip.is_loopback or ip.is_unspecified for ip in ips):
        return True
    mine = set()
    for a in _local_addresses():
        try:
            mine.add(ipaddress.ip_address(a.split("%")[0]))
        except ValueError:
            pass
    return bool(ips) and ips <= mine


def need_a_way_message(server: str) -> str:
    return (f"Scope server {server} is on another machine, so it cannot read the exported "
            "folder here; give --ssh user@host[:port] (a pod with direct SSH: the package is "
            "copied there and installed) or --package-spec SPEC (a git URL or wheel URL the "
            "pod can reach; on a gateway-only pod copy the exported folder there with any "
            "tool, then --package-spec /path/on/pod)")


@dataclass(frozen=True)
class SshTarget:
    user: str | None
    host: str
    port: int | None

    @property
    def dest(self) -> str:
        return f"{self.user}@{self.host}" if self.user else self.host

    def __str__(self) -> str:
        return self.dest + (f":{self.port}" if self.port else "")


def parse_ssh(text: str) -> SshTarget:
    m = re.fullmatch(r"(?:([^@\s:/]+)@)?([^@\s:/\[\]]+|\[[0-9a-fA-F:]+\])(?::(\d{1,5}))?",
                     (text or "").strip())
    if not m:
        raise RemoteError(f"--ssh {text!r}: expected user@host or user@host:port "
                          "(e.g. root@203.0.113.7:22022 from RunPod's 'SSH over exposed TCP')")
    port = int(m.group(3)) if m.group(3) else None
    if port is not None and not 0 < port < 65536:
        raise RemoteError(f"--ssh {text!r}: port {port} is not in 1..65535")
    return SshTarget(m.group(1), m.group(2).strip("[]"), port)


def _ssh_base(tool: str, port_flag: str, target: SshTarget, timeout_s: float) -> list[str]:
    args = [tool, "-o", "BatchMode=yes", "-o", f"ConnectTimeout={max(1, int(timeout_s))}"]
    cfg = os.environ.get("CAGRAPH_SSH_CONFIG")
    if cfg:
        args += ["-F", cfg]
    if target.port:
        args += [port_flag, str(target.port)]
    return args


def _explain(target: SshTarget, proc: subprocess.CompletedProcess, doing: str) -> str:
    err = (proc.stderr or proc.stdout or "").strip().splitlines()
    last = next((ln for ln in reversed(err) if ln.strip()), f"exit code {proc.returncode}")
    low = " ".join(err).lower()
    if "permission denied" in low or "too many authentication failures" in low:
        hint = ("the pod refused the login: add your public key to the pod (RunPod: "
                "Settings > SSH public keys, then restart the pod) and check the user")
    elif "connection refused" in low or "timed out" in low or "no route" in low \
            or "could not resolve" in low or "name or service not known" in low:
        hint = ("cannot reach the pod's SSH port: check the host and port (RunPod's "
                "'SSH over exposed TCP'); a gateway-only pod has no scp, so copy the folder "
                "with any tool and use --package-spec /path/on/pod")
    elif "host key verification failed" in low:
        hint = "the pod's host key is unknown or changed: run `ssh` to it once by hand"
    else:
        hint = "check that you can `ssh` to it by hand"
    return f"ssh {target}: {doing} failed ({last}); {hint}"


def run_ssh(target: SshTarget, command: str, *, timeout_s: float = 60.0,
            doing: str = "running a command") -> str:
    args = _ssh_base("ssh", "-p", target, min(timeout_s, 15)) + [target.dest, command]
    try:
        proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout_s,
                              stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise RemoteError("ssh is not installed here; install OpenSSH, or copy the exported "
                          "folder to the pod yourself and use --package-spec /path/on/pod") \
            from None
    except subprocess.TimeoutExpired:
        raise RemoteError(f"ssh {target}: {doing} took over {timeout_s:.0f}s; is the pod "
                          "up and its SSH port right?") from None
    if proc.returncode:
        raise RemoteError(_explain(target, proc, doing))
    return proc.stdout


def prepare_remote(target: SshTarget, folder_name: str, *,
                   remote_dir: str = DEFAULT_REMOTE_DIR) -> str:
    """Log in once (so a refused login fails before anything is exported), make
    ``<remote_dir>`` on the pod and return ``<remote_dir>/<folder_name>`` there as an
    absolute path."""
    q_dir = shlex.quote(remote_dir) if not remote_dir.startswith("~/") else \
        '"$HOME"/' + shlex.quote(remote_dir[2:])
    base = run_ssh(target, f"mkdir -p {q_dir} && cd {q_dir} && pwd",
                   doing="preparing the plugin folder", timeout_s=60.0).strip().splitlines()
    if not base or not base[-1].startswith("/"):
        raise RemoteError(f"ssh {target}: could not find the folder {remote_dir} on the pod")
    return f"{base[-1].rstrip('/')}/{folder_name}"


def copy_package(local_dir: str | Path, target: SshTarget, dest: str, *,
                 timeout_s: float = 300.0) -> str:
    """Copy the package folder ``local_dir`` to the absolute path ``dest`` on the pod,
    replacing what was there; returns ``dest``."""
    local_dir = Path(local_dir)
    run_ssh(target, f"rm -rf {shlex.quote(dest)}", doing="clearing the old plugin folder")
    excludes = ["dist", "build", "__pycache__", "*.egg-info"]
    if shutil.which("rsync") and _remote_has_rsync(target):
        ssh_cmd = " ".join(shlex.quote(a) for a in _ssh_base("ssh", "-p", target, 15))
        args = ["rsync", "-a", "--delete", "-e", ssh_cmd,
                *[f"--exclude={e}" for e in excludes],
                f"{local_dir}/", f"{target.dest}:{shlex.quote(dest)}/"]
    else:
        args = _ssh_base("scp", "-P", target, 15) + ["-q", "-r", str(local_dir),
                                                     f"{target.dest}:{dest}"]
    try:
        proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout_s,
                              stdin=subprocess.DEVNULL)
    except FileNotFoundError as exc:
        raise RemoteError(f"{exc.filename} is not installed here; install OpenSSH, or copy "
                          f"{local_dir} to the pod yourself and use --package-spec "
                          "/path/on/pod") from None
    except subprocess.TimeoutExpired:
        raise RemoteError(f"ssh {target}: copying {local_dir} took over {timeout_s:.0f}s") \
            from None
    if proc.returncode:
        raise RemoteError(_explain(target, proc, f"copying {local_dir}"))
    return dest


def _remote_has_rsync(target: SshTarget) -> bool:
    try:
        return bool(run_ssh(target, "command -v rsync || true", timeout_s=30.0,
                            doing="looking for rsync").strip())
    except RemoteError:
        return False
