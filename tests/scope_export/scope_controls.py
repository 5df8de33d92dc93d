"""What Scope's own controls can reach in a pipeline's config schema, by Scope 0.2.4's
rules (restated here; real_scope_check.py uses Scope's code itself):

- OSC (server/osc_docs.py): every property whose ``ui`` has ``is_load_param`` false is
  published at ``/scope/<key>``; a property without ``ui`` counts as load-time.  Values
  are checked against its ``minimum``/``maximum``/``enum``.
- Modulation (the UI offers it for ``ui.modulatable`` fields and sends
  ``modulatable_min/max`` as the engine's clamp; server/modulation.py): numeric only.
"""

from __future__ import annotations


def osc_paths(config_schema: dict) -> dict[str, dict]:
    out = {}
    for key, prop in (config_schema.get("properties") or {}).items():
        if (prop.get("ui") or {}).get("is_load_param", True):
            continue
        out[f"/scope/{key}"] = {k: prop[k] for k in ("minimum", "maximum", "enum", "type")
                                if k in prop}
    return out


def modulatable(config_schema: dict) -> dict[str, tuple]:
    out = {}
    for key, prop in (config_schema.get("properties") or {}).items():
        ui = prop.get("ui") or {}
        if ui.get("modulatable"):
            out[key] = (ui.get("modulatable_min", prop.get("minimum")),
                        ui.get("modulatable_max", prop.get("maximum")))
    return out


def expected(graph, choices: dict | None = None) -> tuple[dict, dict]:
    """From the graph's published parameters (and, with two snapshots or more, the
    export's ``morph`` 0..1, modulatable, and the ``snapshot_a``/``snapshot_b`` menus; with
    one or more, the ``recall`` menu, ``recall_quantise`` and ``recall_transition``): the
    ranges each runtime field must have
    (numbers: (min, max); choices: the tuple of choices, ``choices[name]`` where given
    (the exporter leaves out choices that cannot work in Scope); toggles: None) and the
    modulatable ones (numeric and not structural: changing those rebuilds kernels)."""
    ranges, mod = {}, {}
    choices = choices or {}
    for pub in graph.published:
        p = graph.nodes[pub.node].spec.param(pub.param)
        if p.numeric:
            lo, hi = pub.bounds(p)
            ranges[pub.name] = (lo, hi)
            if p.modulatable:
                mod[pub.name] = (lo, hi)
        elif p.choices:
            ranges[pub.name] = tuple(choices.get(pub.name, p.choices))
        else:
            ranges[pub.name] = None
    names = tuple(s.name for s in getattr(graph, "snapshots", ()))
    if len(names) >= 2:  # the export's morph slider and its A/B snapshot menus
        ranges["morph"] = mod["morph"] = (0.0, 1.0)
        ranges["snapshot_a"] = ranges["snapshot_b"] = names
    if names:  # the export's snapshot recall: the menu, when it starts, its transition
        ranges["recall"] = names
        ranges["recall_quantise"] = ("now", "beat", "bar")
        ranges["recall_transition"] = (0.0, 60.0)
    return ranges, mod


def _nums(*values):
    return tuple(None if v is None else float(v) for v in values)


def problems(config_schema: dict, graph, choices: dict | None = None,
             load_fields=("height", "width", "grid_size")) -> list:
    """What is wrong with the schema's reach by Scope's controls; empty when all is right."""
    out = []
    paths = osc_paths(config_schema)
    mods = modulatable(config_schema)
    ranges, want_mod = expected(graph, choices)
    for name, rng in ranges.items():
        info = paths.get(f"/scope/{name}")
        if info is None:
            out.append(f"{name}: not at /scope/{name}")
            continue
        if isinstance(rng, tuple) and rng and isinstance(rng[0], str):
            if tuple(info.get("enum") or ()) != rng:
                out.append(f"{name}: OSC choices {info.get('enum')} != {list(rng)}")
        elif rng is not None and _nums(info.get("minimum"), info.get("maximum")) != _nums(*rng):
            out.append(f"{name}: OSC range {info.get('minimum')}..{info.get('maximum')} "
                       f"!= {rng[0]}..{rng[1]}")
    for name, rng in want_mod.items():
        got = mods.get(name)
        if got is None:
            out.append(f"{name}: not modulatable")
        elif _nums(*got) != _nums(*rng):
            out.append(f"{name}: modulation range {got} != {rng}")
    for name in mods:
        if name not in want_mod:
            out.append(f"{name}: modulatable but not a numeric, non-structural parameter")
    for name in ("fps", "seed", "beat_reset"):
        if f"/scope/{name}" not in paths:
            out.append(f"{name}: not at /scope/{name}")
    for name in load_fields:
        if f"/scope/{name}" in paths:
            out.append(f"{name}: a load-time field is published over OSC")
        if name in mods:
            out.append(f"{name}: a load-time field is modulatable")
    return out
