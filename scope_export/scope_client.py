"""Drive a running Daydream Scope server over its REST API (stdlib urllib only).

``launch`` installs the exported plugin when the server lacks it, loads
``[<ca pipeline>, krea-realtime-video]`` with LoRA load params, waits for
``loaded`` and starts a headless session in video mode with the CA feeding
Krea's VACE input.  ``set_parameters`` changes published parameters and
runtime LoRA scales of the running session.

Endpoints and behaviour follow Scope 0.2.4 (see shared/reference/scope-plugin-api.md).
"""

from __future__ import annotations

import json
import math
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .workflow import KREA_ID, KREA_VIDEO_DEFAULTS, MERGE_MODES, scope_graph

Progress = Callable[[str], None]


class ScopeError(Exception):
    """A failure talking to Scope; the message names the server."""


class ScopeUnreachable(ScopeError):
    pass


def normalise_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise ScopeError("--server is empty; expected e.g. http://127.0.0.1:8000")
    if any(c.isspace() for c in url):
        raise ScopeError(f"--server {url!r}: expected http://HOST:PORT (no spaces)")
    if "://" not in url:
        url = "http://" + url
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises for a port that is not a number in 0..65535
    except ValueError as exc:
        raise ScopeError(f"--server {url!r}: {exc}; expected http://HOST:PORT") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ScopeError(f"--server {url!r}: expected http://HOST:PORT")
    return url.rstrip("/")


def is_local(url: str) -> bool:
    """The server runs on this machine (loopback, this host's name or addresses)."""
    from .remote import is_local_server

    return is_local_server(url)


class ScopeClient:
    def __init__(self, server: str, *, timeout: float = 30.0):
        self.server = normalise_url(server)
        self.timeout = timeout

    # -- transport ------------------------------------------------------------------
    def request(self, method: str, path: str, body: Any = None, *,
                timeout: float | None = None) -> Any:
        url = self.server + path
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method, headers={
            "Accept": "application/json",
            **({"Content-Type": "application/json"} if data is not None else {})})
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            detail = _detail(exc.read())
            raise ScopeError(f"Scope server {self.server}: {method} {path} failed with HTTP "
                             f"{exc.code}: {detail}") from None
        except urllib.error.URLError as exc:
            reason = getattr(exc, "reason", exc)
            raise ScopeUnreachable(f"cannot reach the Scope server at {self.server} ({reason}); "
                                   "is `daydream-scope` running there, and is the port "
                                   "exposed?") from None
        except (socket.timeout, TimeoutError):
            raise ScopeUnreachable(f"Scope server {self.server}: {method} {path} timed out") \
                from None
        except ConnectionError as exc:
            raise ScopeUnreachable(f"cannot reach the Scope server at {self.server} ({exc})") \
                from None
        if not raw:
            return None
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            raise ScopeError(f"Scope server {self.server}: {method} {path} did not answer JSON "
                             "(is this a Scope server?)") from None

    def get(self, path: str, **kw) -> Any:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any, **kw) -> Any:
        return self.request("POST", path, body, **kw)

    # -- endpoints ----------------------------------------------------------------------
    def schemas(self) -> dict[str, dict]:
        return (self.get("/api/v1/pipelines/schemas") or {}).get("pipelines", {}) or {}

    def plugins(self) -> dict:
        return self.get("/api/v1/plugins") or {}

    def install_plugin(self, package: str, *, upgrade: bool = False) -> dict:
        return self.post("/api/v1/plugins", {"package": package, "editable": False,
                                             "upgrade": upgrade, "force": False, "pre": False},
                         timeout=max(self.timeout, 600.0)) or {}

    def loras(self) -> list[dict]:
        return (self.get("/api/v1/loras") or {}).get("lora_files", []) or []

    def load(self, pipelines: list[dict]) -> Any:
        return self.post("/api/v1/pipeline/load", {"pipelines": pipelines})

    def status(self) -> dict:
        return self.get("/api/v1/pipeline/status") or {}

    def start_session(self, body: dict) -> dict:
        return self.post("/api/v1/session/start", body, timeout=max(self.timeout, 120.0)) or {}

    def update_parameters(self, params: dict) -> Any:
        return self.post("/api/v1/session/parameters", params)

    def session_parameters(self) -> dict:
        return (self.get("/api/v1/session/parameters") or {}).get("parameters", {}) or {}

    def session_pipelines(self) -> set[str]:
        """Pipeline ids the running session uses (its ``pipeline_ids`` and the pipeline
        nodes of its graph); empty when there is no session or the server can't say."""
        try:
            params = self.session_parameters()
        except ScopeError:
            return set()
        ids = {str(p) for p in params.get("pipeline_ids") or []}
        graph = params.get("graph") or {}
        ids |= {str(n["pipeline_id"]) for n in graph.get("nodes") or []
                if isinstance(n, dict) and n.get("pipeline_id")}
        return ids


def _detail(raw: bytes) -> str:
    try:
        doc = json.loads(raw)
        d = doc.get("detail", doc) if isinstance(doc, dict) else doc
        return d if isinstance(d, str) else json.dumps(d)[:500]
    except Exception:
        return raw.decode("utf-8", "replace")[:500] or "(no detail)"


# -- plugin install -----------------------------------------------------------------------

def ensure_plugin(client: ScopeClient, pipeline_id: str, dist_name: str, package_spec: str, *,
                  progress: Progress, wait_s: float = 300.0, poll_s: float = 1.0,
                  version: str | None = None) -> bool:
    """Install the plugin when the server does not list ``pipeline_id``, or lists it at
    another ``version`` (another export of the graph: edited since, other frame size,
    older cagraph); True if installed."""
    have = client.schemas().get(pipeline_id)
    upgrade = False
    if have is not None:
        installed = have.get("version")
        if version is None or installed is None or installed == version:
            progress(f"{pipeline_id} is already installed on {client.server}")
            return False
        progress(f"{pipeline_id} on {client.server} is another export ({installed}); "
                 f"replacing it with this one ({version})")
        upgrade = True
    info = client.plugins()
    failed = [f for f in info.get("failed_plugins", []) or []
              if f.get("package_name") == dist_name]
    if failed:
        f = failed[0]
        progress(f"{dist_name} failed to load before ({f.get('error_type')}: "
                 f"{f.get('error_message')}); reinstalling")
    progress(f"installing {dist_name} from {package_spec} ...")
    try:
        res = client.install_plugin(package_spec, upgrade=upgrade)
    except ScopeUnreachable:
        raise
    except ScopeError as exc:
        raise ScopeError(f"{exc} -- the plugin was not installed and nothing was loaded; "
                         f"check that the server can reach {package_spec} and read Scope's "
                         "log there (GET /api/v1/logs/tail)") from None
    if res and res.get("success") is False:
        raise ScopeError(f"Scope server {client.server}: installing {package_spec} failed: "
                         f"{res.get('message')}")
    # Scope restarts (or re-fires the hooks) after an install: wait for the pipeline
    deadline = time.monotonic() + wait_s
    now = None
    while True:
        try:
            now = client.schemas().get(pipeline_id)
            if now is not None and (version is None or now.get("version") in (None, version)):
                progress(f"{pipeline_id} is registered")
                return True
            failed = [f for f in client.plugins().get("failed_plugins", []) or []
                      if f.get("package_name") == dist_name]
            if failed:
                f = failed[0]
                raise PluginInstalledButBroken(
                    f"Scope server {client.server}: plugin {dist_name} failed to load: "
                    f"{f.get('error_type')}: {f.get('error_message')}")
        except ScopeUnreachable:
            pass  # the server is restarting
        if time.monotonic() > deadline:
            what = "did not appear" if now is None else \
                f"still runs {now.get('version')} (restart Scope to load {version})"
            raise PluginInstalledButBroken(f"Scope server {client.server}: {pipeline_id} {what} "
                                           f"{wait_s:.0f}s after installing {package_spec}")
        time.sleep(poll_s)


class PluginInstalledButBroken(ScopeError):
    """Scope installed the package but its pipeline did not come up: the launch uninstalls
    it again, so no half-installed plugin stays on the server."""


# -- LoRAs --------------------------------------------------------------------------------

@dataclass
class ServerLora:
    spec: str  # as the user gave it
    path: str  # the path Scope opens (absolute on the server)
    scale: float
    local: str | None = None  # the local file that was checked, if any


def resolve_server_loras(client: ScopeClient, specs: list[tuple[str, float]],
                         local_ok: Callable[[str], None] | None = None) -> list[ServerLora]:
    """Map each (path, scale) onto the absolute path the server will open.

    A local file is checked with ``local_ok`` (raises when it cannot work); the
    server's LoRA listing decides the path (exact path, else same file name).  On
    a loopback server a local file outside its LoRA folder is used as-is.
    """
    if not specs:
        return []
    listing = client.loras()
    by_path = {f.get("path"): f for f in listing if f.get("path")}
    by_name: dict[str, dict] = {}
    for f in listing:
        if f.get("path"):
            by_name.setdefault(Path(f["path"]).name.lower(), f)
            if f.get("name"):
                by_name.setdefault(str(f["name"]).lower(), f)
    out = []
    for spec, scale in specs:
        p = Path(spec).expanduser()
        local = str(p.resolve()) if p.is_file() else None
        if local and local_ok:
            local_ok(local)
        hit = by_path.get(spec) or (by_path.get(local) if local else None) \
            or by_name.get(p.name.lower()) or by_name.get(p.stem.lower())
        if hit:
            out.append(ServerLora(spec, hit["path"], scale, local))
        elif local and is_local(client.server):
            out.append(ServerLora(spec, local, scale, local))
        elif local:
            raise ScopeError(f"LoRA {spec}: only on this machine, not in the LoRA folder of "
                             f"{client.server}; copy it there (on RunPod: "
                             "/workspace/models/lora, e.g. scp -P PORT FILE "
                             "root@HOST:/workspace/models/lora/) and launch again")
        else:
            names = ", ".join(sorted(Path(f["path"]).name for f in listing if f.get("path")))
            raise ScopeError(f"LoRA {spec}: file not found here nor in the LoRA folder of "
                             f"{client.server} (it has: {names or 'no LoRAs'})")
    return out


# -- launch -------------------------------------------------------------------------------

def krea_load_params(height: int, width: int, loras: list[ServerLora], merge_mode: str, *,
                     quantization: str | None = None,
                     vace_context_scale: float = 1.0) -> dict:
    if merge_mode not in MERGE_MODES:
        raise ScopeError(f"--lora-merge-mode {merge_mode!r}: choose {' or '.join(MERGE_MODES)}")
    params: dict[str, Any] = {"height": int(height), "width": int(width),
                              "quantization": quantization, "vace_enabled": True,
                              "vace_context_scale": float(vace_context_scale)}
    if loras:
        params["loras"] = [{"path": lo.path, "scale": float(lo.scale), "merge_mode": merge_mode}
                           for lo in loras]
        params["lora_merge_mode"] = merge_mode
    return params


def session_graph(pipeline_id: str) -> dict:
    """The graph a launched session runs: the exported workflow's own graph (source ->
    CA (tempo_sync) -> Krea VACE -> sink), without the editor's node positions."""
    return scope_graph(pipeline_id, positions=False)


def wait_loaded(client: ScopeClient, *, progress: Progress, timeout_s: float = 1200.0,
                poll_s: float = 1.0) -> dict:
    deadline = time.monotonic() + timeout_s
    last = None
    while True:
        st = client.status()
        status = st.get("status")
        stage = st.get("loading_stage")
        if (status, stage) != last:
            progress(f"pipeline status: {status}" + (f" ({stage})" if stage else ""))
            last = (status, stage)
        if status == "loaded":
            return st
        if status == "error":
            raise ScopeError(f"Scope server {client.server} failed to load the pipelines: "
                             f"{st.get('error') or 'unknown error'}")
        if status not in ("loading", "not_loaded", None):
            raise ScopeError(f"Scope server {client.server}: unexpected pipeline status "
                             f"{status!r}")
        if time.monotonic() > deadline:
            raise ScopeError(f"Scope server {client.server}: pipelines still {status!r} after "
                             f"{timeout_s:.0f}s")
        time.sleep(poll_s)


def launch(client: ScopeClient, *, pipeline_id: str, dist_name: str, package_spec: str,
           height: int, width: int, loras: list[ServerLora], merge_mode: str,
           prompt: str, ca_params: dict | None = None, quantization: str | None = None,
           vace_context_scale: float = 1.0, progress: Progress = print,
           load_timeout_s: float = 1200.0, poll_s: float = 1.0,
           install_wait_s: float = 300.0, plugin_version: str | None = None) -> dict:
    require_krea(client)
    try:
        installed = ensure_plugin(client, pipeline_id, dist_name, package_spec,
                                  progress=progress, wait_s=install_wait_s, poll_s=poll_s,
                                  version=plugin_version)
    except PluginInstalledButBroken as exc:
        undo_launch(client, dist_name, progress=lambda line: None)
        raise ScopeError(f"{exc} -- uninstalled it again, nothing was loaded; fix the "
                         "plugin (Scope's log: GET /api/v1/logs/tail) and launch again") from None
    try:
        return _load_and_start(client, pipeline_id=pipeline_id, height=height, width=width,
                               loras=loras, merge_mode=merge_mode, prompt=prompt,
                               ca_params=ca_params, quantization=quantization,
                               vace_context_scale=vace_context_scale, progress=progress,
                               load_timeout_s=load_timeout_s, poll_s=poll_s)
    except BaseException:
        undo_launch(client, dist_name if installed else None, progress=progress)
        raise


def require_krea(client: ScopeClient) -> None:
    if KREA_ID not in client.schemas():
        raise ScopeError(f"Scope server {client.server} has no {KREA_ID} pipeline: Krea only "
                         "registers on a machine with a CUDA GPU of 32 GB or more; run Scope "
                         "on such a pod (daydreamlive/scope container) and launch again")


def undo_launch(client: ScopeClient, dist_name: str | None, *, progress: Progress) -> None:
    """After a failed launch: stop a session it may have started and uninstall the plugin
    it installed (Scope unloads that plugin's pipelines with it).  Best effort."""
    try:
        client.post("/api/v1/session/stop", {}, timeout=30.0)
    except ScopeError:
        pass
    if dist_name:
        try:
            client.request("DELETE", f"/api/v1/plugins/{urllib.parse.quote(dist_name)}",
                           timeout=120.0)
            progress(f"uninstalled {dist_name} again (the launch failed)")
        except ScopeError:
            pass


def _load_and_start(client: ScopeClient, *, pipeline_id: str, height: int, width: int,
                    loras: list[ServerLora], merge_mode: str, prompt: str,
                    ca_params: dict | None, quantization: str | None,
                    vace_context_scale: float, progress: Progress, load_timeout_s: float,
                    poll_s: float) -> dict:
    pipelines = [
        {"node_id": pipeline_id, "pipeline_id": pipeline_id,
         "load_params": {"height": int(height), "width": int(width)}},
        {"node_id": KREA_ID, "pipeline_id": KREA_ID,
         "load_params": krea_load_params(height, width, loras, merge_mode,
                                         quantization=quantization,
                                         vace_context_scale=vace_context_scale)},
    ]
    progress(f"loading {pipeline_id} + {KREA_ID}"
             + (f" with {len(loras)} LoRA(s) ({merge_mode})" if loras else ""))
    client.load(pipelines)
    st = wait_loaded(client, progress=progress, timeout_s=load_timeout_s, poll_s=poll_s)
    loaded = {a.get("path") for a in st.get("loaded_lora_adapters") or []}
    missing = [lo.spec for lo in loras if loaded and lo.path not in loaded]
    if missing:
        progress(f"warning: Scope does not report these LoRAs as loaded: {', '.join(missing)}")
    # Simple mode (pipeline_id) reuses the instances loaded above with their LoRAs; the
    # graph rides in `parameters` (Scope merges keys it did not set itself), so the
    # session runs source -> CA -> Krea(VACE) -> sink without a reload that would drop
    # the LoRAs (a top-level `graph` makes session/start reload with no load params).
    params = {k: v for k, v in KREA_VIDEO_DEFAULTS.items() if k not in ("quantization",)}
    params["vace_context_scale"] = float(vace_context_scale)
    params["graph"] = session_graph(pipeline_id)
    body = {"pipeline_id": KREA_ID, "input_mode": "video",
            "prompts": [{"text": prompt, "weight": 1.0}], "parameters": params}
    if ca_params:
        body["node_parameters"] = {pipeline_id: dict(ca_params)}
    progress("starting the session (video mode, CA -> Krea VACE)")
    res = client.start_session(body)
    if isinstance(res, dict) and res.get("status") not in (None, "ok"):
        raise ScopeError(f"Scope server {client.server}: session did not start: {res}")
    return res


def launch_graph(client: ScopeClient, graph_path: str | Path, *, out: str | Path | None = None,
                 plugins_root: str | Path | None = None,
                 name: str | None = None, size: str | None = None, fps: float | None = None,
                 grid: str | None = None,
                 loras: list[str] | None = None, merge_mode: str = "permanent_merge",
                 prompt: str | None = None, allow_incompatible_lora: bool = False,
                 package_spec: str | None = None, quantization: str | None = None,
                 vace_context_scale: float = 1.0, load_timeout_s: float = 1200.0,
                 progress: Progress = print, warn: Progress = print,
                 ssh: str | None = None, remote_dir: str | None = None):
    """``cagraph scope launch``: export ``graph_path`` (to ``out``, else to
    ``plugins_root/<name>``: one of them is needed), install it on the server if
    missing, load it with Krea Realtime and its LoRAs and start the session.  Returns
    the ExportResult.

    A server on another machine needs ``ssh`` (``user@host[:port]``: the package is
    copied to ``remote_dir`` there) or ``package_spec`` (a git/wheel URL or a path on
    the server); without either it fails before anything is exported or loaded."""
    import nodes

    from . import lora as lora_mod
    from . import remote
    from .exporter import derive_names, export
    from .workflow import default_prompt

    target = remote.parse_ssh(ssh) if ssh else None
    if target is None and not package_spec and not is_local(client.server):
        raise ScopeError(remote.need_a_way_message(client.server))
    client.schemas()  # fail fast, before exporting, when the server is unreachable
    require_krea(client)
    specs = [lora_mod.parse_spec(s) for s in loras or []]

    def local_ok(path: str) -> None:
        rep = lora_mod.require_krea_compatible(path, allow_incompatible=allow_incompatible_lora)
        problem = rep.problem_for_krea()
        if problem:
            warn(problem)

    server_loras = resolve_server_loras(client, specs, local_ok)
    graph_path = Path(graph_path)
    names = derive_names(nodes.load(graph_path), name, str(graph_path))
    if out is None and plugins_root is None:
        raise ValueError("launch_graph needs out or plugins_root")
    out = Path(out) if out else Path(plugins_root) / names.slug
    if target is not None and not package_spec:
        progress(f"checking the SSH login to {target}")
        package_spec = remote.prepare_remote(target, names.slug,
                                             remote_dir=remote_dir or remote.DEFAULT_REMOTE_DIR)
    res = export(graph_path, out, name=name, size=size, fps=fps, check_loras=False,
                 merge_mode=merge_mode, prompt=prompt, package_spec=package_spec, grid=grid)
    if target is not None:
        progress(f"copying {res.out_dir} to {target}:{package_spec}")
        remote.copy_package(res.out_dir, target, package_spec)
    launch(client, pipeline_id=res.names.pipeline_id, dist_name=res.names.dist_name,
           package_spec=package_spec or str(res.out_dir), height=res.height, width=res.width,
           loras=server_loras, merge_mode=merge_mode,
           prompt=prompt or default_prompt(), quantization=quantization,
           vace_context_scale=vace_context_scale, progress=progress,
           load_timeout_s=load_timeout_s, plugin_version=res.version)
    return res


# -- set ------------------------------------------------------------------------------

def parse_value(text: str) -> Any:
    low = text.strip().lower()
    if low in ("true", "on", "yes"):
        return True
    if low in ("false", "off", "no"):
        return False
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def parse_assignment(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise ScopeError(f"{text!r}: expected NAME=VALUE")
    name, value = text.split("=", 1)
    if not name.strip():
        raise ScopeError(f"{text!r}: expected NAME=VALUE")
    return name.strip(), value.strip()


def pick_pipeline(schemas: dict, pipeline_id: str | None, server: str,
                  running: "Callable[[], set[str]] | None" = None) -> tuple[str, dict]:
    """The cagraph pipeline to address: the one named, the only one installed, or the
    one the running session uses (``running`` asks the server, only when needed)."""
    if pipeline_id:
        if pipeline_id not in schemas:
            raise ScopeError(f"Scope server {server} has no pipeline {pipeline_id!r}")
        return pipeline_id, schemas[pipeline_id]
    ours = sorted(p for p in schemas if p.startswith("cagraph-"))
    if len(ours) == 1:
        return ours[0], schemas[ours[0]]
    if not ours:
        raise ScopeError(f"Scope server {server} has no cagraph pipeline installed; run "
                         "`cagraph scope launch` first")
    live = sorted(set(ours) & (running() if running else set()))
    if len(live) == 1:
        return live[0], schemas[live[0]]
    raise ScopeError(f"Scope server {server} has several cagraph pipelines ({', '.join(ours)})"
                     + (f" and its session runs {', '.join(live)}" if live else
                        " and no running session names one")
                     + "; choose one with --pipeline")


def input_fields(props: dict) -> dict[str, dict]:
    """The fields of a pipeline's config schema (``properties``) that a running session
    takes: its published parameters, with their schemas."""
    return {k: v for k, v in props.items()
            if isinstance(v, dict) and isinstance(v.get("ui"), dict)
            and v["ui"].get("category") == "input"}


def check_value(pid: str, name: str, raw: str, props: dict) -> Any:
    settable = input_fields(props)
    if name not in settable:
        raise ScopeError(f"{pid} has no published parameter '{name}' (it has: "
                         f"{', '.join(sorted(settable))})")
    prop = settable[name]
    value = parse_value(raw)
    typ = prop.get("type")
    if "enum" in prop:
        if str(raw) not in prop["enum"]:
            raise ScopeError(f"{pid}.{name}: {raw!r} is not one of {', '.join(prop['enum'])}")
        return str(raw)
    if typ == "boolean":
        if not isinstance(value, bool):
            raise ScopeError(f"{pid}.{name}: expected true or false, got {raw!r}")
        return value
    if typ in ("number", "integer"):
        if (isinstance(value, bool) or not isinstance(value, (int, float))
                or not math.isfinite(value)):
            raise ScopeError(f"{pid}.{name}: expected a number, got {raw!r}")
        lo, hi = prop.get("minimum"), prop.get("maximum")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            rng = (f"{lo:g} .. {hi:g}" if lo is not None and hi is not None
                   else f">= {lo:g}" if lo is not None else f"<= {hi:g}")
            raise ScopeError(f"{pid}.{name}: {value:g} is outside {rng}")
        if typ == "integer":
            if float(value) != int(value):
                raise ScopeError(f"{pid}.{name}: expected a whole number, got {raw!r}")
            return int(value)
        return float(value)
    return value


def set_parameters(client: ScopeClient, assignments: list[str], *,
                   lora_scales: list[str] | None = None, pipeline_id: str | None = None,
                   vace_context_scale: float = 1.0, progress: Progress = print) -> list[dict]:
    """Send published-parameter and LoRA-scale updates; returns the bodies sent."""
    sent = []
    if assignments:
        pid, schema = pick_pipeline(client.schemas(), pipeline_id, client.server,
                                    running=client.session_pipelines)
        props = (schema.get("config_schema") or {}).get("properties", {})
        params = {}
        for a in assignments:
            name, raw = parse_assignment(a)
            params[name] = check_value(pid, name, raw, props)
        body = {"node_id": pid, **params}
        client.update_parameters(body)
        sent.append(body)
        progress(f"{pid}: " + ", ".join(f"{k}={v}" for k, v in params.items()))
    if lora_scales:
        adapters = client.status().get("loaded_lora_adapters") or []
        if not adapters:
            raise ScopeError(f"Scope server {client.server} reports no loaded LoRAs")
        updates = []
        for spec in lora_scales:
            if "=" not in spec:
                raise ScopeError(f"--lora-scale {spec!r}: expected PATH=SCALE")
            path, raw = spec.rsplit("=", 1)
            try:
                scale = float(raw)
            except ValueError:
                raise ScopeError(f"--lora-scale {spec!r}: {raw!r} is not a number") from None
            if not -10 <= scale <= 10:
                raise ScopeError(f"--lora-scale {spec!r}: scale must be within -10..10")
            name = Path(path).name.lower()
            hit = next((a for a in adapters if a.get("path") == path), None) or next(
                (a for a in adapters if Path(str(a.get("path"))).name.lower() == name), None)
            if hit is None:
                raise ScopeError(f"LoRA {path}: not loaded on {client.server} (loaded: "
                                 f"{', '.join(Path(str(a.get('path'))).name for a in adapters)})")
            if hit.get("merge_mode") == "permanent_merge":
                raise ScopeError(f"LoRA {path} was merged permanently, so its scale is fixed; "
                                 "relaunch with --lora-merge-mode runtime_peft to change it live")
            updates.append({"path": hit["path"], "scale": scale})
        # REST updates inject vace_context_scale=1.0 unless sent: send it explicitly
        body = {"node_id": KREA_ID, "lora_scales": updates,
                "vace_context_scale": float(vace_context_scale)}
        client.update_parameters(body)
        sent.append(body)
        progress("LoRA scales: " + ", ".join(f"{Path(u['path']).name}={u['scale']:g}"
                                             for u in updates))
    if not sent:
        raise ScopeError("nothing to set: give NAME=VALUE pairs and/or --lora-scale PATH=SCALE")
    return sent
