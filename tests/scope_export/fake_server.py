"""A small Scope-like REST server on loopback that records and checks request bodies."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KREA = "krea-realtime-video"


def _published_props(pkg):
    """The UI fields Scope would list for the package's published parameters (read from
    the graph inside the package on the server)."""
    import nodes
    from scope_export.exporter import GRAPH_FILE, published_fields

    graph = nodes.load(next(pkg.glob(f"*/{GRAPH_FILE}")))
    types = {"float": "number", "int": "integer", "bool": "boolean", "enum": "string"}
    return {f.name: {"type": types[f.kind], "default": f.default, "ui": {"category": "input"},
                     **({"minimum": f.ge, "maximum": f.le} if f.ge is not None else {}),
                     **({"enum": list(f.choices)} if f.choices else {})}
            for f in published_fields(graph)}


class FakeScope:
    def __init__(self, *, loras=(), installed=(), load_error=None, loading_polls=2,
                 fail_install=None, server_root=None, lora_dir=None, broken_install=None):
        self.schemas = {KREA: {"id": KREA, "config_schema": {"properties": {}}}}
        for pid, schema in dict(installed).items():
            self.schemas[pid] = schema
        self.lora_files = [{"name": p.rsplit("/", 1)[-1].rsplit(".", 1)[0], "path": p,
                            "size_mb": 1.0, "folder": "", "sha256": None} for p in loras]
        self.load_error = load_error
        self.loading_polls = loading_polls
        self.fail_install = fail_install
        # broken_install: the install succeeds but the plugin fails to load in Scope, which
        # then lists it under failed_plugins with this error message
        self.broken_install = broken_install
        self.failed_plugins: list[dict] = []
        self.requests: list[tuple[str, str, object]] = []
        self.installable: dict[str, dict] = {}  # package spec -> schema registered on install
        # server_root: the fake then installs only from folders under it (what a remote
        # server can read), registering the package's own pipeline id and version
        self.server_root = server_root
        self.installed_from: list[str] = []
        self.lora_dir = lora_dir  # listed afresh on each GET /api/v1/loras
        self.uninstalled: list[str] = []
        self.stopped = 0
        self.loaded: dict | None = None
        self.status_polls = 0
        self.session = None
        self.params: list[dict] = []

    # -- behaviour ---------------------------------------------------------------------------
    def handle(self, method, path, body):
        self.requests.append((method, path, body))
        if (method, path) == ("GET", "/api/v1/pipelines/schemas"):
            return 200, {"pipelines": self.schemas}
        if (method, path) == ("GET", "/api/v1/plugins"):
            return 200, {"plugins": [], "failed_plugins": self.failed_plugins}
        if (method, path) == ("POST", "/api/v1/plugins"):
            assert set(body) >= {"package"}, body
            if self.fail_install:
                return 500, {"detail": self.fail_install}
            if self.broken_install:
                self.failed_plugins.append({"package_name": "scope-cagraph-amoeba",
                                            "error_type": "ImportError",
                                            "error_message": self.broken_install})
                return 200, {"success": True, "message": "installed", "plugin": None}
            if self.server_root is not None:
                return self._install_from_server_path(body["package"])
            self.schemas.update(self.installable.get(body["package"], {}))
            return 200, {"success": True, "message": "installed", "plugin": None}
        if method == "DELETE" and path.startswith("/api/v1/plugins/"):
            name = path.rsplit("/", 1)[1]
            self.uninstalled.append(name)
            self.failed_plugins = [f for f in self.failed_plugins if f["package_name"] != name]
            self.schemas = {k: v for k, v in self.schemas.items()
                            if v.get("dist_name") != name}
            self.loaded = None
            return 200, {"success": True, "message": "uninstalled", "unloaded_pipelines": []}
        if (method, path) == ("POST", "/api/v1/session/stop"):
            self.stopped += 1
            self.session = None
            return 200, {"status": "ok"}
        if (method, path) == ("GET", "/api/v1/loras"):
            if self.lora_dir is not None:
                from pathlib import Path

                return 200, {"lora_files": [
                    {"name": f.stem, "path": str(f), "size_mb": 1.0, "folder": "",
                     "sha256": None} for f in sorted(Path(self.lora_dir).glob("*.safetensors"))]}
            return 200, {"lora_files": self.lora_files}
        if (method, path) == ("POST", "/api/v1/pipeline/load"):
            pipes = body["pipelines"]
            for p in pipes:
                assert set(p) == {"node_id", "pipeline_id", "load_params"}, p
                if p["pipeline_id"] not in self.schemas:
                    return 400, {"detail": f"Invalid pipeline ID: {p['pipeline_id']}"}
            self.loaded = body
            self.status_polls = 0
            return 200, {"message": "Pipeline loading initiated successfully"}
        if (method, path) == ("GET", "/api/v1/pipeline/status"):
            if self.loaded is None:
                return 200, {"status": "not_loaded"}
            self.status_polls += 1
            if self.status_polls <= self.loading_polls:
                return 200, {"status": "loading", "loading_stage": f"stage {self.status_polls}"}
            if self.load_error:
                return 200, {"status": "error", "error": self.load_error}
            krea = next(p for p in self.loaded["pipelines"] if p["pipeline_id"] == KREA)
            lp = krea["load_params"]
            adapters = [{"path": lo["path"], "scale": lo["scale"],
                         "merge_mode": lo.get("merge_mode") or lp.get("lora_merge_mode")}
                        for lo in lp.get("loras", [])]
            return 200, {"status": "loaded", "pipeline_id": KREA, "load_params": lp,
                         "loaded_lora_adapters": adapters}
        if (method, path) == ("POST", "/api/v1/session/start"):
            if body.get("pipeline_id") is None and body.get("graph") is None:
                return 422, {"detail": "Either pipeline_id or graph must be provided"}
            self.session = body
            return 200, {"status": "ok", "input_mode": body.get("input_mode"),
                         "cloud_mode": False, "pipeline_id": body.get("pipeline_id")}
        if (method, path) == ("GET", "/api/v1/session/parameters"):
            # Scope: the session's FrameProcessor parameters ({} without a session):
            # pipeline_ids, input_mode, prompts, then the request's `parameters` merged in
            if self.session is None:
                return 200, {"parameters": {}}
            b = self.session
            params = {"pipeline_ids": [b["pipeline_id"]], "input_mode": b.get("input_mode")}
            params.update({k: v for k, v in (b.get("parameters") or {}).items()
                           if k not in params})
            return 200, {"parameters": params}
        if (method, path) == ("POST", "/api/v1/session/parameters"):
            self.params.append(body)
            return 200, {"status": "ok"}
        return 404, {"detail": "Not Found"}

    def _install_from_server_path(self, package):
        import re
        import tomllib
        from pathlib import Path

        root = Path(self.server_root).resolve()
        pkg = Path(package)
        if not pkg.is_absolute() or not pkg.resolve().is_relative_to(root) \
                or not (pkg / "pyproject.toml").is_file():
            return 500, {"detail": f"Failed to install {package}: no such package on the server"}
        meta = tomllib.loads((pkg / "pyproject.toml").read_text())["project"]
        schema_py = next(pkg.glob("*/schema.py")).read_text()
        pid = re.search(r"pipeline_id[^=]*=\s*['\"]([^'\"]+)", schema_py).group(1)
        self.installed_from.append(package)
        self.schemas[pid] = {"id": pid, "version": meta["version"], "dist_name": meta["name"],
                             "config_schema": {"properties": _published_props(pkg)}}
        return 200, {"success": True, "message": "installed", "plugin": None}

    # -- server -----------------------------------------------------------------------------
    def __enter__(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _do(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(n)) if n else None
                try:
                    code, doc = fake.handle(self.command, self.path, body)
                except AssertionError as exc:
                    code, doc = 422, {"detail": f"bad request body: {exc}"}
                raw = json.dumps(doc).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_DELETE = _do

            def log_message(self, *a):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
