"""Run an exported cagraph plugin through a real Daydream Scope installation.

The test suite checks exported plugins against a minimal stand-in of Scope's
interfaces (``fake_scope/``), because CI cannot install Scope (CUDA torch,
flash-attn).  This script is the same check against the real thing, for a
machine where Scope is installed (or its ``src/`` is on ``PYTHONPATH``) and the
exported package has been installed into that environment::

    cagraph export graphs/amoeba.graph --out out/amoeba
    pip install out/amoeba            # into Scope's environment
    python tests/scope_export/real_scope_check.py cagraph-amoeba

It goes through Scope's own code paths, not ours:

1. Scope's pipeline registry discovers the plugin by its entry point;
2. the config's ``get_schema_with_metadata()`` (what Scope's UI renders) has a
   field with ``ui`` settings for every published parameter;
3. Scope's ``PipelineManager`` loads the pipeline as it loads any plugin
   (schema defaults merged with the load params);
4. Scope's ``PipelineProcessor`` runs it chunk by chunk (driven synchronously
   here, so the frame at which a parameter changes is known) and its uint8
   frames equal the vendored runtime's frames for the same graph, size, grid and
   seed, before and after a published parameter is changed mid-stream.

5. tempo: Scope's own ``TempoSync`` (with a synthetic tempo source at 90 bpm and its
   own phase, disagreeing with the graph's clock) feeds a ``PipelineProcessor`` with
   tempo sync on, as a session does; after every chunk the graph's clock is at the
   beat Scope injected (``--no-tempo`` skips it);
6. with ``--workflow FILE`` (the export's ``.scope-workflow.json``), Scope's own
   workflow import resolver accepts it: the file parses as Scope's
   ``WorkflowRequest``, the plugin it names is found installed at its version,
   and its LoRA filenames resolve inside a LoRA folder (``--lora-dir``, default
   a temporary folder holding empty files of those names); Krea Realtime
   itself must be registered only when this Scope can run it (a CUDA GPU).

Exit status 0 when every check passes; each failed check is printed.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import queue
import sys

import numpy as np


def _uint8(rgb: np.ndarray) -> np.ndarray:
    """Scope's conversion of a float frame for its output queues."""
    import torch

    return (torch.from_numpy(np.ascontiguousarray(rgb, np.float32)) * 255.0).clamp(0, 255) \
        .to(torch.uint8).numpy()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pipeline_id", help="e.g. cagraph-amoeba")
    ap.add_argument("--frames", type=int, default=12, help="frames before the change")
    ap.add_argument("--height", type=int, default=320)
    ap.add_argument("--width", type=int, default=576)
    ap.add_argument("--change", default=None,
                    help="NAME=VALUE published parameter to change mid-stream "
                         "(default: fit=cover when the graph publishes fit)")
    ap.add_argument("--workflow", default=None, help="the export's .scope-workflow.json")
    ap.add_argument("--lora-dir", default=None, help="Scope's LoRA folder (for --workflow)")
    ap.add_argument("--no-tempo", action="store_true", help="skip the tempo-sync check")
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    failures: list[str] = []

    def check(ok: bool, what: str) -> None:
        print(("ok    " if ok else "FAIL  ") + what)
        if not ok:
            failures.append(what)

    try:
        from scope.core.pipelines.registry import PipelineRegistry
        from scope.server.pipeline_manager import PipelineManager
        from scope.server.pipeline_processor import PipelineProcessor
    except ImportError as exc:
        print(f"Daydream Scope is not importable here ({exc}); run this in Scope's environment")
        return 2

    pid = a.pipeline_id
    cls = PipelineRegistry.get(pid)
    check(cls is not None, f"Scope's registry discovered {pid!r}")
    if cls is None:
        print("registered:", ", ".join(PipelineRegistry.list_pipelines()))
        return 1
    module = importlib.import_module(cls.__module__)
    published = dict(module.PUBLISHED)

    meta = PipelineRegistry.get_config_class(pid).get_schema_with_metadata()
    props = meta["config_schema"]["properties"]
    missing = [n for n in published if "ui" not in props.get(n, {})]
    check(not missing, f"the UI schema has a field with ui settings for each of the "
                       f"{len(published)} published parameters" + (f" (missing {missing})"
                                                                     if missing else ""))

    check_controls(pid, meta["config_schema"], module, check)

    load = {"height": a.height, "width": a.width}
    pipe = PipelineManager()._load_pipeline_implementation(pid, load)
    check(type(pipe) is cls, f"Scope's PipelineManager loaded {cls.__name__}")

    if a.change:
        name, value = a.change.split("=", 1)
    elif "fit" in published:
        name, value = "fit", "cover"
    else:
        name, value = None, None

    proc = PipelineProcessor(pipe, pid, initial_parameters={"input_mode": "text"})
    proc.output_queues["video"] = [queue.Queue(maxsize=256)]
    frames = []

    def run(n):
        for _ in range(n):
            proc.process_chunk()
            q = proc.output_queue  # Scope may swap the queue object when it resizes it
            while True:
                try:
                    frames.append(q.get_nowait().tensor[0].numpy())
                except queue.Empty:
                    break

    run(a.frames)
    if name:
        proc.update_parameters({name: value})
    run(3)
    check(len(frames) == a.frames + 3, f"{len(frames)} frames out of {a.frames + 3} chunks")
    shapes = {f.shape for f in frames}
    check(shapes == {(a.height, a.width, 3)} and frames[0].dtype == np.uint8,
          f"frames are {a.height}x{a.width} RGB uint8 ({shapes})")

    # the same frames from the plugin's own vendored runtime, outside Scope
    cagraph = module.cagraph
    graph = cagraph.loads(module.GRAPH_FILE.read_bytes())
    # with the pre-roll the pipeline runs at load (exports since the warm-up before frame 0)
    rt = cagraph.Runtime(graph, backend=pipe.backend, size=pipe.grid_size, width=a.width,
                         height=a.height, seed=pipe.seed, fps=pipe.fps,
                         preroll=pipe.runtime.preroll)
    want = []
    for i in range(a.frames + 3):
        if i == a.frames and name:
            rt.set_published(name, module._coerce(published[name], value))
        rt.step()
        want.append(_uint8(rt.output_host()))
    same = [i for i, (f, w) in enumerate(zip(frames, want)) if np.array_equal(f, w)]
    check(len(same) == len(want) == len(frames),
          f"Scope's frames equal the runtime's ({len(same)} of {len(want)} identical"
          + (f", {name}={value} from frame {a.frames}" if name else "") + ")")
    if name:
        before, after = frames[a.frames - 1], frames[-1]
        check(not np.array_equal(before, after), f"changing {name} changed the frames")
    if not a.no_tempo:
        check_tempo(pid, load, check)
    if a.workflow:
        check_workflow(a.workflow, a.lora_dir, check)
    print("PASS" if not failures else f"{len(failures)} check(s) failed")
    return 0 if not failures else 1


def check_tempo(pid: str, load: dict, check, chunks: int = 24) -> None:
    """Scope's tempo path, end to end: its TempoSync (enabled with a synthetic source, as
    Link or a MIDI clock would be) and PipelineProcessor._apply_tempo_sync inject
    bpm/beat_phase/bar_position/beat_count/is_playing into each call; the graph's clock
    must be at that beat after every chunk, at Scope's tempo, not its own."""
    import time

    from scope.server.pipeline_manager import PipelineManager
    from scope.server.pipeline_processor import PipelineProcessor
    from scope.server.tempo_sync import BeatState, TempoSource, TempoSync

    class Synthetic(TempoSource):
        """90 bpm from beat 5.37, moved on by hand once a chunk (unevenly)."""

        bpm, beat = 90.0, 5.37

        @property
        def name(self):
            return "synthetic"

        def get_beat_state(self):
            b = self.beat
            return BeatState(bpm=self.bpm, beat_phase=b % 1.0, bar_position=b % 4,
                             beat_count=int(b), is_playing=True, timestamp=time.time(),
                             source=self.name)

        async def start(self):
            pass

        async def stop(self):
            pass

    src = Synthetic()
    sync = TempoSync(beats_per_bar=4)
    with sync._state_lock:  # what enable() does once its source has started
        sync._source, sync._enabled = src, True
    pipe = PipelineManager()._load_pipeline_implementation(pid, load)
    own = pipe.runtime.clock.bpm
    proc = PipelineProcessor(pipe, pid, initial_parameters={"input_mode": "text"},
                             tempo_sync=sync)
    proc.output_queues["video"] = [queue.Queue(maxsize=256)]
    errors, got = [], 0
    for k in range(chunks):
        src.beat += 0.37 + 0.05 * (k % 3)  # Scope's beat between two calls
        proc.process_chunk()
        clock = pipe.runtime.clock
        errors.append(abs(((clock.beat - src.beat) + 0.5) % 1.0 - 0.5))
        q = proc.output_queue
        while True:
            try:
                q.get_nowait()
                got += 1
            except queue.Empty:
                break
    clock = pipe.runtime.clock
    check(got == chunks, f"{got} frames out of {chunks} chunks with tempo sync on")
    check(max(errors) < 1e-6 and clock.bpm == src.bpm and clock.beat_count == int(src.beat),
          f"with Scope's TempoSync + PipelineProcessor the graph's clock follows Scope's "
          f"beat (own {own:g} bpm, Scope's {src.bpm:g}; worst phase error "
          f"{max(errors):.2e} over {chunks} chunks; beat {clock.beat:.3f} vs "
          f"{src.beat:.3f}, bar position {clock.bar_position:.3f})")


def check_workflow(path: str, lora_dir: str | None, check) -> None:
    """Scope's workflow import resolution (read-only: it installs and downloads nothing)."""
    import json
    import tempfile
    from pathlib import Path

    import torch
    from scope.core.plugins.manager import get_plugin_manager
    from scope.core.workflows.resolve import WorkflowRequest, resolve_workflow

    doc = json.loads(Path(path).read_text())
    check_graph_section(doc, check)
    req = WorkflowRequest.model_validate(doc)
    check(len(req.nodes) >= 2, f"Scope parses the workflow: {len(req.nodes)} pipelines "
                               f"({', '.join(n.node_type_id for n in req.nodes)})")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(lora_dir or tmp)
        if lora_dir is None:
            for node in req.nodes:
                for lora in node.loras:
                    f = folder / lora.filename
                    f.parent.mkdir(parents=True, exist_ok=True)
                    f.touch()
        plan = resolve_workflow(req, get_plugin_manager(), folder)
    for item in plan.items:
        needs_gpu = item.kind == "pipeline" and "GPU is required" in (item.detail or "")
        if needs_gpu and not torch.cuda.is_available():
            print(f"skip  {item.name}: {item.detail}")
            continue
        check(item.status == "ok", f"resolver: {item.kind} {item.name} {item.status}"
                                   + (f" ({item.detail})" if item.detail else ""))
    for w in plan.warnings:
        print(f"note  {w}")


def check_controls(pid: str, schema: dict, module, check) -> None:
    """Scope's own OSC path list and modulation engine against the published parameters:
    every runtime one at /scope/<name> with its range, the numeric non-structural ones
    modulatable within their range, no load-time field reachable."""
    from scope.server.modulation import ModulationEngine
    from scope.server.osc_docs import _extract_osc_paths_from_schema
    from scope_controls import expected, problems

    import nodes
    from scope_export.exporter import published_fields

    graph = nodes.loads(module.GRAPH_FILE.read_bytes())
    choices = {f.name: f.choices for f in published_fields(graph) if f.kind == "enum"}
    paths = {p["key"]: p for p in _extract_osc_paths_from_schema(schema, pid)}
    ranges, want_mod = expected(graph, choices)
    bad = []
    for name, rng in ranges.items():
        info = paths.get(name)
        if info is None:
            bad.append(f"{name} missing")
        elif rng and not isinstance(rng[0], str) and (
                float(info.get("min")), float(info.get("max"))) != (float(rng[0]), float(rng[1])):
            bad.append(f"{name} range {info.get('min')}..{info.get('max')} != {rng}")
        elif rng and isinstance(rng[0], str) and tuple(info.get("enum") or ()) != rng:
            bad.append(f"{name} choices {info.get('enum')}")
    extra = sorted(set(paths) - set(ranges))
    check(not bad and not {"height", "width", "grid_size"} & set(paths),
          f"Scope's OSC path list has /scope/<name> for all {len(ranges)} published "
          f"parameters with their ranges, no load-time field (also: {', '.join(extra)})"
          + (f": {bad}" if bad else ""))
    issues = problems(schema, graph, choices)
    check(issues == [], f"cagraph's restatement of Scope's control rules agrees on the real "
                        f"schema {issues}")
    eng = ModulationEngine()
    props = schema["properties"]
    cfgs = {}
    for name in want_mod:
        ui = props[name]["ui"]
        cfgs[name] = {"shape": "square", "depth": 1.0, "rate": "beat",
                      "min_value": ui.get("modulatable_min"), "max_value": ui.get("modulatable_max")}
    eng.update(cfgs)
    out_of_range, moved = [], set()
    for phase in (0.1, 0.4, 0.6, 0.9):
        params = {n: props[n]["default"] for n in want_mod}
        res = eng.apply(beat_phase=phase, bar_position=phase, beat_count=0, beats_per_bar=4,
                        params=dict(params))
        for n, (lo, hi) in want_mod.items():
            if not lo - 1e-9 <= res[n] <= hi + 1e-9:
                out_of_range.append((n, res[n]))
            if res[n] != params[n]:
                moved.add(n)
    check(not out_of_range and moved == set(want_mod),
          f"Scope's modulation engine moves all {len(want_mod)} modulatable parameters and "
          f"keeps them in their ranges" + (f": out {out_of_range}" if out_of_range else "")
          + (f", unmoved {sorted(set(want_mod) - moved)}" if moved != set(want_mod) else ""))


def check_graph_section(doc: dict, check) -> None:
    """The workflow's `graph` under Scope's own GraphConfig: its structure check, the
    CA node's ports as Scope's registry defines them, tempo_sync on the CA node."""
    from scope.core.pipelines.registry import PipelineRegistry
    from scope.server.graph_schema import GraphConfig

    graph = doc.get("graph")
    check(isinstance(graph, dict), "the workflow carries Scope's graph section")
    if not isinstance(graph, dict):
        return
    cfg = GraphConfig.model_validate(graph)
    errs = cfg.validate_structure()
    check(not errs, f"Scope's GraphConfig accepts the graph ({len(cfg.nodes)} nodes, "
                    f"{len(cfg.edges)} edges){': ' + '; '.join(errs) if errs else ''}")
    synced = [n.pipeline_id for n in cfg.nodes if n.tempo_sync]
    ca = [p["pipeline_id"] for p in doc.get("pipelines", []) if p.get("role") == "preprocessor"]
    check(synced == ca, f"tempo_sync is on the CA node only ({synced})")
    for node in cfg.nodes:
        if node.type != "pipeline":
            continue
        cls = PipelineRegistry.get(node.pipeline_id)
        if cls is None:
            print(f"skip  ports of {node.pipeline_id}: not registered here")
            continue
        d = cls.get_definition()
        ins = {pt.name for pt in d.inputs}
        outs = {pt.name for pt in d.outputs}
        bad = [f"{e.to_port} (in)" for e in cfg.edges_to(node.id) if e.to_port not in ins]
        bad += [f"{e.from_port} (out)" for e in cfg.edges_from(node.id)
                if e.from_port not in outs]
        check(not bad, f"the graph's edges use ports {node.pipeline_id} declares"
                       + (f": not {bad}" if bad else ""))


if __name__ == "__main__":
    sys.exit(main())
