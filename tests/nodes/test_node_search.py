"""nodes.node_search: node types found by title, description and everyday words."""

from __future__ import annotations

from nodes.node_search import search


def _ids(q):
    return [c.type_id for c in search(q)]


def test_everyday_words_find_the_node_that_does_it():
    assert _ids("reaction")[0] == "engine.grayscott"
    assert _ids("diffusion")[0] == "engine.grayscott"
    assert _ids("reaction diffusion")[0] == "engine.grayscott"
    assert _ids("glow")[0] == "colour.bloom"
    assert "colour.bloom" in _ids("blur")[:3] and "colour.thickness" in _ids("blur")[:3]
    assert {"life.perturb", "colour.zones"} <= set(_ids("noise")[:4])
    colour, color = set(_ids("colour")), set(_ids("color"))
    assert colour == color and {"colour.colorize", "colour.palette", "colour.bloom"} <= colour


def test_titles_rank_first_and_every_word_must_match():
    assert _ids("lenia")[0] == "engine.lenia"
    assert _ids("lfo")[0] == "signal.lfo"
    assert _ids("semi-lagrangian")[0] == "flow.advect"  # a word only its description has
    assert _ids("lenia glow") == []
    assert len(_ids("")) == len(search(" "))
