"""Property-based fuzzing of the loader (issue 2, "Tests" 7).

Valid .graph documents are mutated (keys dropped / duplicated / renamed, values
replaced by random JSON, nodes that links name deleted, ports swapped, type ids
turned into module paths, pickle-looking strings, truncation, deep nesting,
numbers JSON allows but Python chokes on).  ``nodes.loads`` must return a Graph
or raise ``nodes.GraphError``: never another exception, never hang, never
import anything.
"""

from __future__ import annotations

import copy
import json
import pickle
import signal
import sys
from contextlib import contextmanager
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nodes
from nodes import Graph, GraphError

from nodes_helpers import DATA_DIR, GRAPH_FILES

BASES = [p.read_text() for p in GRAPH_FILES[:6]] + [
    (DATA_DIR / "v1_grayscott.graph").read_text(), (DATA_DIR / "v2_grayscott.graph").read_text()]
BASE_DOCS = [json.loads(t) for t in BASES]

TYPE_IDS = ["os.system", "__import__", "builtins.eval", "subprocess.Popen", "pickle.loads",
            "nodes.library.engines.Lenia", "nodes.registry", "importlib.import_module",
            "engine.gray_scott", "engine.lenia", "math.feedback", "../../etc/passwd",
            "os.path.join", "__builtins__.exec", "a.b", "", "engine.", ".lenia",
            "ENGINE.LENIA", "engine.lenia\x00", "test.counter", "json.loads"]
PICKLES = [pickle.dumps(x, protocol=p).decode("latin-1")
           for x in (object, {"a": 1}, [1.5], "os.system") for p in (0, 2, 5)]
PICKLES.append("cos\nsystem\n(S'echo pwned'\ntR.")
NASTY = ["NaN", "Infinity", "-Infinity", "1e999", "-0", "0x10", "true", "null", "__class__",
         "__proto__", "${HOME}", "%s%s%n", "\u202e", "\ud7ff", "\x00", " " * 3, "é" * 3,
         "field", "rgb", "out", "seed", "steps", "mu", "R"]
# raw JSON tokens that json.dumps cannot produce (spliced into the text)
RAW = ["9" * 5000, "-" + "9" * 5000, "1" + "0" * 400, "1e99999", "-1e99999", "NaN",
       "Infinity", "-Infinity", "1e-99999", "0.1" + "0" * 5000 + "1",
       "[" * 3000 + "]" * 3000, '{"a":' * 3000 + "1" + "}" * 3000,
       "[" * 200 + "0" + "]" * 200, '{"a":' * 200 + "0" + "}" * 200]

leaves = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-(10**400),
                                                                   max_value=10**400)
          | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12)
          | st.sampled_from(NASTY + TYPE_IDS + PICKLES))
json_values = st.recursive(
    leaves, lambda ch: st.lists(ch, max_size=4) | st.dictionaries(st.text(max_size=8), ch,
                                                                    max_size=4),
    max_leaves=10)
KEYS = ["format", "format_version", "meta", "nodes", "links", "published", "ui", "id", "type",
        "version", "params", "title", "src", "dst", "node", "port", "name", "param", "min", "max",
        "edges", "size", "seed", "fps", "width", "height", "order", "label"]


def locations(doc):
    """(container, key) for every value in the document."""
    out = []
    stack = [doc]
    while stack:
        c = stack.pop()
        items = c.items() if isinstance(c, dict) else enumerate(c)
        for k, v in items:
            out.append((c, k))
            if isinstance(v, (dict, list)):
                stack.append(v)
    return out


def containers(doc, kind):
    return [(c, k) for c, k in locations(doc) if isinstance(c[k], kind)] + (
        [(None, doc)] if isinstance(doc, kind) else [])


MUTATIONS = ["drop", "dup_key", "dup_item", "rename", "replace", "delete_node", "swap_ports",
             "type_id", "pickle", "nest", "raw", "version"]


def mutate(data, doc, raw_slots):
    kind = data.draw(st.sampled_from(MUTATIONS), label="mutation")
    locs = locations(doc)
    if not locs:
        return doc
    if kind == "drop":
        dicts = [c[k] for c, k in containers(doc, dict) if c is not None] + [doc]
        d = data.draw(st.sampled_from(dicts))
        if d:
            del d[data.draw(st.sampled_from(sorted(d)))]
    elif kind == "dup_key":  # duplicated key at text level: the later one wins in json
        raw_slots.append(("dupkey", data.draw(st.sampled_from(KEYS)),
                          json.dumps(data.draw(json_values))))
    elif kind == "dup_item":
        lists = [c[k] for c, k in containers(doc, list) if c is not None and c[k]]
        if lists:
            lst = data.draw(st.sampled_from(lists))
            try:
                lst.append(copy.deepcopy(data.draw(st.sampled_from(lst))))
            except RecursionError:  # a nested value from "nest": deeper nesting is in RAW
                pass
    elif kind == "rename":
        dicts = [c[k] for c, k in containers(doc, dict) if c is not None and c[k]] + [doc]
        d = data.draw(st.sampled_from(dicts))
        if d:
            old = data.draw(st.sampled_from(sorted(d)))
            new = data.draw(st.sampled_from(KEYS) | st.text(max_size=6))
            d[new] = d.pop(old)
    elif kind == "replace":
        c, k = data.draw(st.sampled_from(locs))
        c[k] = data.draw(json_values)
    elif kind == "delete_node":
        ns = doc.get("nodes")
        if isinstance(ns, list) and ns:
            del ns[data.draw(st.integers(0, len(ns) - 1))]
    elif kind == "swap_ports":
        lks = doc.get("links")
        if isinstance(lks, list) and len(lks) >= 1:
            a = data.draw(st.sampled_from(lks))
            b = data.draw(st.sampled_from(lks))
            try:
                a["src"]["port"], b["dst"]["port"] = b["dst"]["port"], a["src"]["port"]
            except (KeyError, TypeError):
                pass
    elif kind == "type_id":
        ns = doc.get("nodes")
        if isinstance(ns, list) and ns and isinstance(ns[0], dict):
            n = data.draw(st.sampled_from([x for x in ns if isinstance(x, dict)]))
            n["type"] = data.draw(st.sampled_from(TYPE_IDS))
    elif kind == "pickle":
        c, k = data.draw(st.sampled_from(locs))
        c[k] = data.draw(st.sampled_from(PICKLES))
    elif kind == "nest":
        c, k = data.draw(st.sampled_from(locs))
        depth = data.draw(st.sampled_from([5, 50, 300]))
        v = c[k]
        wrap_dict = data.draw(st.booleans())
        for _ in range(depth):
            v = {"a": v} if wrap_dict else [v]
        c[k] = v
    elif kind == "raw":
        c, k = data.draw(st.sampled_from(locs))
        token = data.draw(st.sampled_from(RAW))
        slot = f"@@RAW{len(raw_slots)}@@"
        c[k] = slot
        raw_slots.append(("raw", slot, token))
    elif kind == "version":
        c, k = data.draw(st.sampled_from([(doc, "format_version")] + [
            (n, "version") for n in doc.get("nodes", []) if isinstance(n, dict)]
            if isinstance(doc.get("nodes"), list) else [(doc, "format_version")]))
        c[k] = data.draw(st.sampled_from([0, 1, 2, 3, -1, 10**6, 2**63, "2", 2.0, True, None]))
    return doc


def render(doc, raw_slots) -> str:
    try:
        text = json.dumps(doc)
    except (ValueError, RecursionError):  # too deep for the encoder: nest less
        return json.dumps({"format": "cagraph", "format_version": 2, "nodes": "deep"})
    for kind, a, b in raw_slots:
        if kind == "raw":
            text = text.replace(json.dumps(a), b)
        else:  # duplicate key right after the opening brace
            text = "{" + json.dumps(a) + ": " + b + ", " + text[1:] if text.startswith("{") \
                else text
    return text


@contextmanager
def hang_guard(seconds: int):
    def boom(*_):
        raise TimeoutError(f"loads took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, boom)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _warm_up():
    """Exercise every error path once so that lazy imports happen before we watch."""
    for t in BASES:
        nodes.loads(t)
        nodes.loads(t.encode())
    probes = ["{", "[]", "\"x\"", '{"format": "x"}', '{"format": "cagraph"}',
              '{"format": "cagraph", "format_version": 9}',
              '{"format": "cagraph", "format_version": 2, "nodes": [{"id": 1}], "meta": '
              '{"size": "x", "fps": -1, "name": 5}, "links": [{"src": 1}], "published": '
              '[{"name": "A", "min": "x"}], "ui": [], "extra": 1}',
              b"\xff\xfe", "[" * 5000 + "]" * 5000, '{"a": ' + "9" * 5000 + "}"]
    for t in probes:
        for strict in (True, False):
            try:
                nodes.loads(t, strict=strict)
            except Exception:  # noqa: BLE001 - the tests below report real failures
                pass


@pytest.fixture(scope="module", autouse=True)
def warm_up():
    _warm_up()


def check_loads(text, strict: bool):
    before = set(sys.modules)
    try:
        with hang_guard(10):
            g = nodes.loads(text, source="fuzz.graph", strict=strict)
    except GraphError as exc:
        assert exc.issues
        for i in exc.issues:
            assert isinstance(i.message, str)
            assert i.file == "fuzz.graph"
        str(exc)
        g = None
    new = set(sys.modules) - before
    assert not new, f"loading imported {sorted(new)}"
    if g is not None:
        assert isinstance(g, Graph)
        if not strict:  # the editor path: validate and save what it loaded
            for i in nodes.validate(g):
                str(i)
            nodes.dumps(g)
    return g


@settings(max_examples=300, deadline=timedelta(seconds=3), database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.filter_too_much])
@given(data=st.data())
def test_mutated_documents_load_or_raise_graph_error(data):
    base = data.draw(st.sampled_from(range(len(BASE_DOCS))), label="base")
    doc = copy.deepcopy(BASE_DOCS[base])
    raw_slots: list = []
    for _ in range(data.draw(st.integers(1, 4), label="n_mutations")):
        doc = mutate(data, doc, raw_slots)
    text = render(doc, raw_slots)
    if data.draw(st.integers(0, 5), label="truncate?") == 0:
        text = text[: data.draw(st.integers(0, max(0, len(text) - 1)), label="cut")]
    as_bytes = data.draw(st.booleans(), label="bytes")
    payload = text.encode("utf-8", "surrogatepass") if as_bytes else text
    check_loads(payload, strict=True)
    check_loads(payload, strict=False)


@pytest.mark.parametrize("token", RAW)
def test_raw_tokens_in_every_param_slot(token):
    """Numbers and nestings JSON allows but Python may choke on, as a param value."""
    doc = copy.deepcopy(BASE_DOCS[-1])
    for n in doc["nodes"]:
        for k in list(n["params"])[:2]:
            n["params"][k] = "@@SLOT@@"
    text = json.dumps(doc).replace('"@@SLOT@@"', token)
    check_loads(text, strict=True)
    check_loads(text, strict=False)


@pytest.mark.parametrize("type_id", TYPE_IDS)
def test_module_path_type_ids_never_import(type_id):
    doc = copy.deepcopy(BASE_DOCS[-1])
    doc["nodes"][2]["type"] = type_id
    text = json.dumps(doc)
    g = check_loads(text, strict=False)
    assert g is not None and g.nodes[doc["nodes"][2]["id"]].type == \
        {"engine.gray_scott": "engine.grayscott"}.get(type_id, type_id)
    if type_id not in ("engine.gray_scott", "engine.lenia", "math.feedback"):
        with pytest.raises(GraphError):
            nodes.loads(text)
