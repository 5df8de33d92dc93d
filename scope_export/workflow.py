"""The `.scope-workflow.json` that chains an exported CA pipeline into Krea Realtime.

Perform-mode layout (what Scope's own *Export* writes): ``pipelines`` with
roles, the CA pipeline as ``preprocessor`` and ``krea-realtime-video`` as
``main`` in video mode with VACE fed by the input video.  Beside it, the
``graph`` section Scope 0.2.4's graph editor reads (a ``GraphConfig`` whose nodes
carry editor positions): source -> CA -> Krea (VACE frames) -> sink, with
``tempo_sync`` on the CA node; ``cagraph scope launch`` starts that same graph
(:func:`scope_graph`).  LoRAs are named by
``filename`` relative to Scope's LoRA folder (Scope's resolver refuses absolute
paths there); absolute paths are only ever sent over REST as load params.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KREA_ID = "krea-realtime-video"
SCOPE_VERSION = "0.2.4"
MERGE_MODES = ("permanent_merge", "runtime_peft")

#: Krea Realtime settings for VACE video-to-video from a generator.
KREA_VIDEO_DEFAULTS: dict[str, Any] = {
    "input_mode": "video",
    "vace_enabled": True,
    "vace_use_input_video": True,
    "vace_context_scale": 1.0,
    "noise_scale": 0.7,
    "noise_controller": True,
    "denoising_step_list": [1000, 750],
    "manage_cache": True,
    "kv_cache_attention_bias": 0.3,
    "quantization": None,
}


@dataclass
class LoraEntry:
    """One LoRA as the exporter/launcher sees it."""

    path: str  # as given (local file, or a name in Scope's LoRA folder)
    scale: float = 1.0
    merge_mode: str | None = None  # per-LoRA override; None = the global mode
    filename: str = ""  # relative to Scope's LoRA folder (workflow files)
    sha256: str | None = None


def relative_to_lora_dir(path: str | Path, lora_dir: Path) -> str | None:
    """``path`` relative to the LoRA folder (POSIX), or None when it is not inside it.
    The path as written counts first (a subfolder that is a symlink keeps its name),
    then the path with links resolved."""
    p, d = Path(path).expanduser(), lora_dir.expanduser()
    for a, b in ((os.path.abspath(p), os.path.abspath(d)), (p.resolve(), d.resolve())):
        try:
            return Path(a).relative_to(b).as_posix()
        except (ValueError, OSError):
            continue
    return None


def filename_in_lora_dir(path: str | Path, lora_dir: Path) -> str:
    """The name Scope's resolver expects: relative to the LoRA folder when the
    file is inside it, else its base name (copy the file there)."""
    return relative_to_lora_dir(path, lora_dir) or Path(path).expanduser().name


def sha256_of(path: str | Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


#: where Scope's graph editor draws each node (x, y, w, h): left to right
_LAYOUT = {"input": (40, 160, 200, 120), "ca": (300, 140, 260, 160),
           KREA_ID: (620, 140, 280, 200), "output": (960, 160, 200, 120)}


def scope_graph(pipeline_id: str, *, tempo_sync: bool = True,
                positions: bool = True) -> dict[str, Any]:
    """Scope's ``GraphConfig``: source -> CA -> Krea (VACE input) -> sink.

    The source node keeps the session in video mode (Scope forces text mode on a
    graph without one) and the CA ignores its frames; the CA's frames feed Krea's
    ``vace_input_frames`` (VACE video-to-video).  ``tempo_sync`` marks the CA node as the
    one that gets Scope's beat state (bpm, beat_phase, ...) in its kwargs.  With
    ``positions`` each node carries ``x, y, w, h`` for Scope's graph editor (the server
    ignores them)."""
    nodes = [
        {"id": "input", "type": "source", "source_mode": "video"},
        {"id": pipeline_id, "type": "pipeline", "pipeline_id": pipeline_id,
         "tempo_sync": bool(tempo_sync)},
        {"id": KREA_ID, "type": "pipeline", "pipeline_id": KREA_ID},
        {"id": "output", "type": "sink"},
    ]
    if positions:
        for nd in nodes:
            key = "ca" if nd["id"] == pipeline_id else nd["id"]
            nd.update(zip(("x", "y", "w", "h"), _LAYOUT[key]))
    edges = [
        {"from": "input", "from_port": "video", "to_node": pipeline_id, "to_port": "video",
         "kind": "stream"},
        {"from": pipeline_id, "from_port": "video", "to_node": KREA_ID,
         "to_port": "vace_input_frames", "kind": "stream"},
        {"from": KREA_ID, "from_port": "video", "to_node": "output", "to_port": "video",
         "kind": "stream"},
    ]
    return {"nodes": nodes, "edges": edges}


def krea_params(height: int, width: int, **overrides) -> dict[str, Any]:
    return {"height": int(height), "width": int(width), **KREA_VIDEO_DEFAULTS, **overrides}


def build_workflow(*, name: str, pipeline_id: str, pipeline_version: str, dist_name: str,
                   package_spec: str, ca_params: dict[str, Any], height: int, width: int,
                   loras: list[LoraEntry], merge_mode: str = "permanent_merge",
                   prompt: str | None = None) -> dict[str, Any]:
    if merge_mode not in MERGE_MODES:
        raise ValueError(f"merge mode must be one of {', '.join(MERGE_MODES)}")
    wf_loras = []
    for i, lo in enumerate(loras):
        entry: dict[str, Any] = {
            "id": f"lora-{i}",
            "filename": lo.filename or Path(lo.path).name,
            "weight": float(lo.scale),
            "merge_mode": lo.merge_mode or merge_mode,
        }
        if lo.sha256:
            entry["sha256"] = lo.sha256
        wf_loras.append(entry)
    return {
        "format": "scope-workflow",
        "format_version": "1.0",
        "metadata": {
            "name": name,
            "created_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
            .replace("+00:00", "Z"),
            "scope_version": SCOPE_VERSION,
        },
        "pipelines": [
            {
                "pipeline_id": pipeline_id,
                "pipeline_version": pipeline_version,
                "source": {"type": "local", "plugin_name": dist_name,
                           "plugin_version": pipeline_version, "package_spec": package_spec},
                "loras": [],
                "params": dict(ca_params),
                "role": "preprocessor",
            },
            {
                "pipeline_id": KREA_ID,
                "pipeline_version": "1.0.0",
                "source": {"type": "builtin"},
                "loras": wf_loras,
                "params": krea_params(height, width),
                "role": "main",
            },
        ],
        "prompts": [{"text": prompt or default_prompt(), "weight": 1.0}],
        # Scope's own graph (its graph editor and graph-mode import); older Scope
        # versions read the `pipelines` list above and ignore it
        "graph": scope_graph(pipeline_id),
    }


def default_prompt() -> str:
    """Words for Krea: what the organism should become.  Never the graph's title (a title
    such as "coral → Krea Realtime" is ours, and Krea would paint it)."""
    return ("luminous organic forms, bioluminescent living organism, flowing tendrils, "
            "macro photography, deep colours")
