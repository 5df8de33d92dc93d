"""The palette library: distinct looks, a working 'custom', and presets that spread over them."""

from __future__ import annotations

import collections

import numpy as np
import pytest

from nodes import Graph, Runtime, loads, dumps
from nodes.library.colour import PALETTES, Palette, PaletteNode, custom_coefficients
from nodes.presets import KEYS, TABLE, build

T = np.linspace(0, 1, 64, dtype=np.float32)


def swatch(coeffs) -> np.ndarray:
    return np.clip(Palette(*coeffs)(T), 0, 1)


def test_every_palette_is_distinct():
    names = list(PALETTES)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            diff = np.abs(swatch(PALETTES[a]) - swatch(PALETTES[b])).mean()
            assert diff > 0.08, (a, b, diff)


@pytest.mark.parametrize("name,channel", [("deep_sea", "cyan"), ("phosphor", "g"),
                                          ("ember", "r")])
def test_narrow_palettes_keep_their_hue(name, channel):
    c = swatch(PALETTES[name]).mean(axis=0)
    if channel == "cyan":
        assert min(c[1], c[2]) > 2.5 * c[0]
    else:
        k = "rgb".index(channel)
        assert c[k] == c.max() and c[k] > 1.5 * np.delete(c, k).max()


def _palette_rgb(params: dict) -> np.ndarray:
    """The palette node's colours for ``params``."""
    full = {p.name: p.default for p in PaletteNode.params} | params
    pal = PaletteNode("palette", 0).process(None, {}, full)["palette"]
    return swatch((pal.a, pal.b, pal.c, pal.d))


def test_custom_is_not_oil_slick_and_follows_its_numbers():
    oil = swatch(PALETTES["oil_slick"])
    custom = _palette_rgb({"preset": "custom"})
    assert np.abs(custom - oil).mean() > 0.1
    red = _palette_rgb({"preset": "custom", "custom_hue": 0.0, "custom_range": 0.1})
    blue = _palette_rgb({"preset": "custom", "custom_hue": 2 / 3, "custom_range": 0.1})
    assert red.mean(axis=0).argmax() == 0 and blue.mean(axis=0).argmax() == 2
    grey = _palette_rgb({"preset": "custom", "custom_saturation": 0.0})
    assert np.ptp(grey, axis=1).max() < 0.15  # only the harmonics tint a grey palette
    a, b, c, d = custom_coefficients(0.3, 0.0, 1.0, 0.5)
    assert c == (0.0, 0.0, 0.0)  # range 0: one colour


def test_v1_custom_palette_opens_as_cosine_with_its_coefficients():
    g = build("amoeba", size=64)
    text = dumps(g).replace('"preset": "oil_slick"', '"preset": "custom"')
    import json

    data = json.loads(text)
    for n in data["nodes"]:
        if n["type"] == "colour.palette":
            n["version"] = 1
            n["params"]["a"] = [0.1, 0.2, 0.3]
    g2 = loads(json.dumps(data))
    assert g2.nodes["palette"].params["preset"] == "cosine"
    assert list(g2.nodes["palette"].params["a"]) == [0.1, 0.2, 0.3]


def test_presets_spread_over_the_palettes():
    uses = collections.Counter(TABLE[k].get("palette", "oil_slick") for k in KEYS)
    assert max(uses.values()) <= 3, uses
    assert len(uses) >= 8
    assert len({TABLE[k]["palette"] for k in ("coral", "mycelium", "nebula")}) == 3


def test_custom_palette_numbers_are_published():
    g = build("coral", size=64)
    names = {p.name for p in g.published}
    assert {"palette", "palette_hue", "palette_range", "palette_saturation",
            "palette_lightness"} <= names
    rt = Runtime(g, backend="numpy", size=32)
    rt.set_published("palette", "custom")
    rt.set_published("palette_hue", 0.1)
    assert rt.graph.nodes["palette"].params["custom_hue"] == pytest.approx(0.1)
