"""Find node types by words: title, type id, category, description and the everyday
words people type for what a node does (reaction, diffusion, blur, noise, glow,
colour/color, ...).  Qt-free: the editor's Tab search and palette use it.
"""

from __future__ import annotations

import re
from typing import Iterable

from . import registry

#: a word a person may type -> words that stand for it in node titles and descriptions
SYNONYMS: dict[str, tuple[str, ...]] = {
    "color": ("colour",), "colour": ("color",), "colors": ("colour",), "colours": ("colour",),
    "colorize": ("colour", "colorize"), "gray": ("grey",), "grey": ("gray",),
    "reaction": ("reaction-diffusion", "gray-scott"),
    "diffusion": ("reaction-diffusion", "gray-scott", "laplacian"),
    "turing": ("gray-scott", "reaction-diffusion"),
    "blur": ("gaussian", "blur", "bloom", "thickness"),
    "glow": ("bloom", "glow"), "bloom": ("glow",),
    "noise": ("noise", "perturb", "random", "zones"),
    "random": ("noise", "random"),
    "oscillator": ("lfo",), "wave": ("lfo",), "sine": ("lfo",), "modulate": ("lfo",),
    "modulation": ("lfo",), "time": ("clock", "lfo"), "tempo": ("clock", "lfo", "beat"),
    "delay": ("feedback",), "feedback": ("delay",),
    "automaton": ("ca", "engine"), "automata": ("ca", "engine"), "cellular": ("ca", "engine"),
    "life": ("lenia", "smoothlife", "life support"), "organism": ("engine", "lenia"),
    "flow": ("advect", "flow"), "motion": ("flow", "advect", "velocity"),
    "move": ("flow", "advect"), "swirl": ("flow",), "warp": ("advect", "flow"),
    "mask": ("containment",), "contain": ("containment",), "border": ("containment",),
    "palette": ("palette", "colour"), "hue": ("palette", "colour"),
    "brightness": ("levels", "gain"), "contrast": ("levels", "gamma"),
    "gamma": ("levels",), "curve": ("levels",),
    "blend": ("mix",), "combine": ("mix", "add"), "add": ("add", "mix"),
    "output": ("output",), "krea": ("krea",), "scope": ("output", "krea"),
    "start": ("seed",), "init": ("seed",), "pattern": ("seed",),
    "speed": ("scheduler",), "steps": ("scheduler",),
}

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def haystack(cls) -> str:
    """All the text of a node type that a search looks through, lower case."""
    ports = " ".join(p.name for p in (*cls.inputs, *cls.outputs))
    params = " ".join(p.name for p in cls.params)
    return " ".join((cls.title, cls.type_id, cls.category, cls.doc or "", ports,
                     params)).lower()


def score(cls, query: str) -> int | None:
    """How well ``query`` matches the node type ``cls`` (higher is better), or None when
    some word of it matches nowhere.  A word matches its own text or a synonym's."""
    words = query.lower().split()
    if not words:
        return 0
    title = f"{cls.title} {cls.type_id}".lower()
    head = f"{title} {cls.category}".lower()
    hay = haystack(cls)
    total = 0
    for w in words:
        alts = (w, *SYNONYMS.get(w, ()))
        if any(a in title for a in alts):
            total += 100 if w in title else 60
        elif any(a in head for a in alts):
            total += 40
        elif any(a in hay for a in alts):
            total += 10
        else:
            return None
    return total


def search(query: str, classes: Iterable | None = None) -> list:
    """Node types matching ``query``, best first (ties by category, then title)."""
    classes = list(registry.registry().values() if classes is None else classes)
    hits = [(score(c, query), c) for c in classes]
    return [c for s, c in sorted(((s, c) for s, c in hits if s is not None),
                                 key=lambda sc: (-sc[0], sc[1].category, sc[1].title))]
