"""The 23 prototype presets, as graph builders.

``build(key)`` returns the preset's :class:`Graph`; ``python -m nodes.presets DIR``
writes every preset to ``DIR/<key>.graph`` (this is how ``graphs/`` is made).
Values come from the prototype (tuned at 512 px) and were re-tuned where the
prototype's organisms died out or flooded the frame; see ``TUNING`` notes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .graph import Graph, Meta, Published
from .library.flow import BASES

# -- the preset table ---------------------------------------------------------------
# flows: {basis: strength}; extras: speed, hue, hue_amount, brightness, gamma (the alpha
# curve's), thickness, palette

# fast-growing patterns (growth per step above the generic 5 % containment loss) would
# tile the whole frame: a stronger, wider ramp keeps them an organism in the frame
FRAMED = dict(r0=0.60, r1=0.90, loss=0.30)

LENIA = {
    "amoeba": dict(title="Lenia Glider", R=15, T=25, mu=0.222, sigma=0.045,
                   peaks=(0.5, 0.85), widths=(0.15, 0.10), seed=("blobs", 0.35),
                   palette="oil_slick", hue=0.54, brightness=1.51, speed=1.56,
                   flows=dict(radial=-0.30, rotate=0.35, swirl=0.50, bubble=0.20, ring=-0.20,
                              vortex=0.30)),
    "coral": dict(title="Lenia Branch", contain=FRAMED, R=20, T=15, mu=0.12, sigma=0.014,
                  peaks=(0.5,), widths=(0.18,), seed=("blobs", 0.6), palette="deep_coral",
                  brightness=1.4,
                  flows=dict(radial=-0.10, rotate=0.40, swirl=0.35, bubble=0.15, vortex=0.25)),
    "heartbeat": dict(title="Lenia Spiral", contain=FRAMED, R=10, T=8, mu=0.22, sigma=0.035,
                      peaks=(0.5,),
                      widths=(0.20,), seed=("ring", 0.8), palette="ember",
                      flows=dict(radial=-0.10, rotate=0.30, swirl=0.45, bubble=0.25,
                                 vortex=0.40)),
    "jellyfish": dict(title="Lenia Pulse", contain=FRAMED, R=22, T=12, mu=0.22, sigma=0.028,
                      peaks=(0.5,),
                      widths=(0.22,), seed=("blobs", 0.7), palette="bioluminescent",
                      flows=dict(radial=-0.15, rotate=-0.30, swirl=0.25, bubble=0.40,
                                 vortex=0.35)),
    # lava_lamp: the blue-cyan tint (blue x1.35 at hue 0.54) at brightness 1.6 clipped the
    # cells into flat cyan discs (21 % of the lit pixels over 0.9 at 256, 31 % at 512);
    # tint 0.5, brightness 0.95: 4 % / 7 %, the same colours with the cells' rings kept
    "lava_lamp": dict(title="Lenia Blob", R=25, T=25, mu=0.18, sigma=0.045, peaks=(0.4, 0.8),
                      widths=(0.18, 0.12), seed=("blobs", 0.6), palette="deep_coral", hue=0.54,
                      hue_amount=0.5, brightness=0.95,
                      flows=dict(radial=-1.00, rotate=0.99, swirl=0.30, bubble=0.54,
                                 vortex=1.00)),
    "nebula": dict(title="Lenia Cloud", contain=FRAMED, R=20, T=12, mu=0.16, sigma=0.020,
                   peaks=(0.3, 0.6, 0.9), widths=(0.15, 0.12, 0.10), seed=("random", 0.4),
                   palette="aurora",
                   flows=dict(radial=-0.10, rotate=0.35, swirl=0.30, bubble=0.15, vortex=0.25)),
    # tide_pool: the full hue tint (red x1.4 at hue 0.9) at brightness 1.05 clipped a quarter
    # of the organism's pixels (over 0.9 of a channel: 26 %, issue 15); tint 0.6, brightness
    # 0.85: 3.5 %, the same colours with their highlights kept
    "tide_pool": dict(title="Lenia Wave", R=18, T=25, mu=0.20, sigma=0.032, peaks=(0.3, 0.7),
                      widths=(0.18, 0.14), seed=("blobs", 0.5), palette="cuttlefish", hue=0.90,
                      hue_amount=0.6, brightness=0.85, speed=1.26, thickness=4.7,
                      flows=dict(radial=-0.20, rotate=0.35, swirl=-0.90, bubble=0.54,
                                 ring=-0.58, vortex=-0.90)),
    "mycelium": dict(title="Lenia Thread", contain=FRAMED, R=28, T=15, mu=0.11, sigma=0.011,
                     peaks=(0.5,), widths=(0.22,), seed=("blobs", 0.8), palette="phosphor",
                     brightness=1.4,
                     flows=dict(radial=-0.10, rotate=0.30, swirl=0.25, bubble=0.10,
                                vortex=0.20)),
}

SMOOTHLIFE = {
    "sl_gliders": dict(title="SmoothLife Glider", ri=8, ra=24, b1=0.278, b2=0.365, d1=0.267,
                       d2=0.445, an=0.028, am=0.147, dt=0.12, seed="random",
                       palette="oil_slick",
                       flows=dict(radial=-0.10, rotate=0.30, swirl=0.40, bubble=0.15,
                                  vortex=0.25)),
    "sl_worms": dict(title="SmoothLife Worm", ri=10, ra=30, b1=0.257, b2=0.336, d1=0.267,
                     d2=0.445, an=0.028, am=0.147, dt=0.10, seed="random", palette="deep_coral",
                     flows=dict(rotate=0.25, swirl=0.30, vortex=0.20, vertical=0.20)),
    "sl_elastic": dict(title="SmoothLife Elastic", contain=FRAMED, ri=9, ra=27, b1=0.210,
                       b2=0.330, d1=0.210,
                       d2=0.500, an=0.020, am=0.130, dt=0.12, seed="blobs",
                       palette="bioluminescent",
                       flows=dict(rotate=0.35, swirl=0.30, bubble=0.25, vortex=0.20)),
    "sl_pulse": dict(title="SmoothLife Pulse", ri=8, ra=24, b1=0.31, b2=0.45, d1=0.260,
                     d2=0.436, an=0.035, am=0.140, dt=0.12, seed="random", palette="cuttlefish",
                     hue=0.25, brightness=1.45,
                     flows=dict(radial=0.54, rotate=-0.94, swirl=0.98, bubble=0.88, ring=0.89,
                                vortex=0.15, vertical=-0.15)),
    "sl_chaos": dict(title="SmoothLife Chaos", contain=FRAMED, ri=7, ra=21, b1=0.230,
                     b2=0.380, d1=0.190,
                     d2=0.480, an=0.015, am=0.100, dt=0.12, seed="random", palette="nacre",
                     flows=dict(rotate=0.25, swirl=0.35, bubble=0.15, vortex=0.40)),
}

# MNCA: the rule's pattern wavelength follows the ring radii, and the prototype's radii (5-22
# px @512) made a near-pixel moire that filled the disc; radii x2.5 give cells and worms a
# creature's size, a tighter ramp keeps them a colony in the frame, blob seeds avoid the
# neutral grey plateau a random seed leaves, and (2-ring rules, whose plateau persists) a
# dead zone before colour keeps that plateau black so the glow follows the bodies
MNCA_CONTAIN = dict(r0=0.30, r1=0.65, loss=0.60)
_MNCA_LOOK = dict(weights=(0.80, 0.05, 0.15), bloom=0.40)
_PLATEAU_LOOK = dict(_MNCA_LOOK, pre="deadzone", pre_params=dict(dead=0.40, gain=1.8))

MNCA = {
    "mnca_soliton": dict(title="MNCA Soliton", rings=((0, 15), (20, 45)),
                         rules=((0.12, 0.32), (0.08, 0.32)), delta=0.04, seed="blobs",
                         palette="deep_sea", contain=MNCA_CONTAIN, look=_PLATEAU_LOOK,
                         brightness=2.3,
                         flows=dict(radial=-0.10, rotate=0.35, swirl=0.30, bubble=0.15,
                                    vortex=0.25)),
    "mnca_mitosis": dict(title="MNCA Mitosis", rings=((0, 15), (15, 30), (30, 50)),
                         rules=((0.12, 0.35), (0.20, 0.55), (0.06, 0.25)), delta=0.035,
                         seed="blobs", palette="bioluminescent", contain=MNCA_CONTAIN,
                         look=_MNCA_LOOK,
                         flows=dict(radial=-0.20, rotate=0.65, swirl=0.50, bubble=0.45,
                                    vortex=0.40)),
    # mnca_worm: ring 1's upper bound 0.40 -> 0.22 makes a crowded neighbourhood vote against
    # growth, so the disc no longer fills with a labyrinth of stripes: worms on black inside a
    # membrane (issue 15)
    "mnca_worm": dict(title="MNCA Worm", rings=((0, 8), (13, 25), (30, 45)),
                      rules=((0.18, 0.38), (0.10, 0.22), (0.04, 0.18)), delta=0.045,
                      seed="blobs", palette="ember", contain=MNCA_CONTAIN, look=_MNCA_LOOK,
                      flows=dict(radial=-0.20, rotate=0.65, swirl=0.50, bubble=0.35,
                                 vortex=0.40)),
    # mnca_hunt: with ring 1's rule at [0.10, 0.35] the disc filled with a lattice of spots
    # cut by a diagonal band (a domain wall the flow shears); [0.05, 0.18] lets a cell grow only
    # where its surroundings are sparse: separate cells on black round a larger body (and
    # ring 0 [0.20, 0.45] keeps them alive); with little plateau left a lighter dead zone and
    # brightness 1.6 keep the cells' glow (issue 15); that glow clipped 30 % of the lit
    # pixels (flat yellow bodies): brightness 0.95 with the alpha curve's gamma 0.85 -> 0.4
    # (mid-tones up, peaks down) keeps the liveness mean (0.038 -> 0.034) at 7 % clipped
    "mnca_hunt": dict(title="MNCA Hunt", rings=((0, 12), (20, 40)),
                      rules=((0.20, 0.45), (0.05, 0.18)), delta=0.05, seed="blobs",
                      palette="cuttlefish", contain=MNCA_CONTAIN,
                      look=dict(_MNCA_LOOK, pre="deadzone", pre_params=dict(dead=0.15, gain=1.2)),
                      brightness=0.95, gamma=0.4,
                      flows=dict(radial=-0.10, rotate=0.30, swirl=0.25, bubble=0.15,
                                 vortex=0.35)),
    "mnca_coral": dict(title="MNCA Coral", rings=((0, 20), (30, 55)),
                       rules=((0.08, 0.28), (0.05, 0.25)), delta=0.03, seed="blobs",
                       palette="aurora", brightness=2.2, look=_PLATEAU_LOOK,
                       contain=dict(MNCA_CONTAIN, r0=0.40, r1=0.75),
                       flows=dict(radial=-0.10, rotate=0.35, swirl=0.30, bubble=0.25,
                                  vortex=0.20)),
}

GRAYSCOTT = {
    "reef": dict(title="GS Coral", F=0.037, k=0.060, du=0.21, dv=0.105,
                 palette="nacre", flows=dict(radial=0.15, rotate=0.35)),
    # deep_sea: brightness 1.8 (raised for 1024 before the diffusion scaled with the grid)
    # clipped its crest into flat saturated cyan (40 % of the lit pixels over 0.9 at 512,
    # 20 % in one colour), and the gain-5 ramp flooded two flat lobes at the rim: brightness
    # 0.95 with alpha gamma 0.7 and a gain-20 ramp: 6 % clipped, shaded filaments, no lobes
    "deep_sea": dict(title="GS Drift", F=0.034, k=0.059, du=0.21, dv=0.110, brightness=0.95,
                     gamma=0.7, palette="deep_sea", ramp=dict(gain=20.0),
                     flows=dict(swirl=0.20, vertical=0.25)),
    # medusa, labyrinth: kill raised (0.058 / 0.057 -> 0.060 / 0.059) so the V-rich phase no
    # longer floods the rim into smooth lobes (at 256) or flat "paddles" (labyrinth at 512);
    # brighter to keep the thinner filaments above the liveness mean (issue 15, part 1)
    # ramp: overrides of the Feed Ramp (RAMP; gain 5). With k below 1/16 the ramp's rising feed
    # crosses the band where Gray-Scott's uniform V-rich state is stable (k < sqrt(F)/2 - F):
    # at gain 5 that band is a wide ring of the disc, where the pattern floods into flat lobes
    # (tentacles' green rim band, labyrinth's rim lobes at 256, medusa's rim squares at 512).
    # Gain 20 crosses it in a few pixels (tentacles: r1 0.70, a thin membrane where a 0.85 ramp
    # left short flat lobes at 512, frame 30); medusa's kill back to 0.059 then (at 0.060 its
    # filaments lock to the lattice at 256)
    "medusa": dict(title="GS Medusa", F=0.030, k=0.059, du=0.21, dv=0.105, brightness=1.4,
                   palette="deep_sea", ramp=dict(gain=20.0),
                   flows=dict(radial=-0.15, rotate=-0.30, swirl=0.25, bubble=0.50,
                              vortex=0.20)),
    "labyrinth": dict(title="GS Labyrinth", F=0.029, k=0.059, du=0.21, dv=0.105, brightness=1.6,
                      palette="ink", ramp=dict(gain=20.0), flows=dict(swirl=0.60, ring=0.25)),
    "tentacles": dict(title="GS Vortex", F=0.026, k=0.057, du=0.21, dv=0.120,
                      palette="phosphor", ramp=dict(gain=20.0, r1=0.70),
                      flows=dict(vortex=0.40)),
}
#: the Gray-Scott presets' Feed Ramp (a preset's ``ramp`` overrides these)
RAMP = dict(r0=0.55, r1=0.85)  # gain: the node's default, 5

ENGINE_OF = {**{k: "lenia" for k in LENIA}, **{k: "smoothlife" for k in SMOOTHLIFE},
             **{k: "mnca" for k in MNCA}, **{k: "grayscott" for k in GRAYSCOTT}}
TABLE = {**LENIA, **SMOOTHLIFE, **MNCA, **GRAYSCOTT}
KEYS = tuple(TABLE)

# per-engine look: signal weights, bloom, hue-drift period (s), pre-transform
LOOK = {
    "lenia": dict(weights=(0.30, 0.25, 0.45), bloom=0.20, drift_period=600.0, pre=None),
    "smoothlife": dict(weights=(0.30, 0.25, 0.45), bloom=0.25, drift_period=500.0,
                       pre="power_blur"),
    # density-led colour reads as a body more than a moire texture (a light power_blur before
    # colour did more, but put the numba and reference kernels 3e-3 apart on mnca_mitosis)
    "mnca": dict(weights=(0.55, 0.15, 0.30), bloom=0.25, drift_period=450.0, pre=None),
    "grayscott": dict(weights=(0.40, 0.30, 0.30), bloom=0.0, drift_period=300.0,
                      pre="deadzone"),
}


# Slider ranges for published parameters that are an LFO's centre (the LFO's own
# range is unbounded) or narrower than the node's: wide enough to explore, narrow
# enough that the organism survives most of the slider.
PUBLISHED_RANGES = {
    "growth": (0.05, 0.35), "tolerance": (0.004, 0.07), "smoothness": (3.0, 50.0),
    "birth": (0.15, 0.45), "spread": (0.25, 0.55), "force": (0.005, 0.08),
    "feed": (0.015, 0.07), "kill": (0.045, 0.07), "survive": (0.35, 0.60),
}


#: what each preset looks like, for the gallery and ``cagraph presets`` (its description)
BLURBS = {
    "amoeba": "one large cell whose rainbow-edged fingers swirl and drift",
    "coral": "a disc of small cells that bud and branch, in coral reds and blues",
    "heartbeat": "a dense ember-red disc of tiny cells turning in a slow spiral",
    "jellyfish": "a swarm of cells pulsing in bioluminescent greens and violets",
    "lava_lamp": "soft blobs churning in a strong vortex, coral and cyan",
    "nebula": "a cloud of glowing dots in aurora teal and violet",
    "tide_pool": "fronds fanning out from an orange core, in cuttlefish colours",
    "mycelium": "thin phosphor-green rings packed into a wavering disc",
    "sl_gliders": "worms and rings that glide through each other in a rainbow slick",
    "sl_worms": "worms coiling round a central ring, in coral colours",
    "sl_elastic": "bands that stretch into a slow spiral, bioluminescent",
    "sl_pulse": "spokes radiating from a hollow ring, pulsing",
    "sl_chaos": "concentric pearly rings that break up at the rim",
    "mnca_soliton": "a small cyan disc of cells that hold their shape as they move",
    "mnca_mitosis": "cells that divide and swirl in a green and blue disc",
    "mnca_worm": "ember worms drawn as lines inside a glowing disc",
    "mnca_hunt": "cells that chase each other round a ring, in cuttlefish colours",
    "mnca_coral": "pale spots that gather and part on a dark disc",
    "reef": "a ring of mother-of-pearl branches that grow and split",
    "deep_sea": "a drifting reef of cyan labyrinths",
    "medusa": "a cyan labyrinth ring, the rim of a medusa",
    "labyrinth": "a white-ink wheel of spokes round a wavering hub",
    "tentacles": "a phosphor-green labyrinth twisted by a vortex",
}


def _lfo(g: Graph, nid: str, target: tuple[str, str], center: float, depth: float,
         period: float, shape: str = "sine", phase: float = 0.0, **extra) -> None:
    g.add_node("signal.lfo", nid, dict(shape=shape, center=center, depth=depth,
                                       rate=1.0 / period, phase=phase, **extra))
    g.connect(nid, "out", *target)


#: presets with a synced option: their first engine LFO gets a published ``beat_sync``
#: toggle (off by default, so their frames are those they always were) and, when it is on,
#: one cycle per this division of the graph's tempo
BEAT_SYNC = {"heartbeat": "1 bar", "jellyfish": "2 bars", "sl_pulse": "1 bar"}
#: the first engine LFO of each engine kind (the one ``beat_sync`` locks to the tempo)
_SYNC_LFO = {"lenia": "lfo_mu", "smoothlife": "lfo_b1", "mnca": "lfo_delta",
             "grayscott": "lfo_feed"}


def build(key: str, *, size: int = 512) -> Graph:
    """The preset ``key`` as a graph (published parameters included)."""
    p = TABLE[key]
    eng = ENGINE_OF[key]
    look = {**LOOK[eng], **p.get("look", {})}  # a preset may override its engine's look
    g = Graph(Meta(name=key, description=f"{p['title']}: {BLURBS[key]}", size=size,
                   fps=30.0, seed=0))
    pubs: list[tuple[str, str, str, str]] = []  # name, node, param, label

    g.add_node("signal.scheduler", "scheduler", dict(speed=p.get("speed", 1.0), sps=30.0,
                                                      max_steps=4))
    pubs.append(("speed", "scheduler", "speed", "Speed"))
    engine = "engine"
    if eng == "lenia":
        g.add_node("seed.pattern", "seed", dict(pattern=p["seed"][0], density=p["seed"][1],
                                                count=8, radius=0.1, scatter=0.2))
        g.add_node("engine.lenia", engine, dict(R=p["R"], T=p["T"], mu=p["mu"],
                                                sigma=p["sigma"], peaks=list(p["peaks"]),
                                                widths=list(p["widths"]),
                                                warmup=p.get("warmup", 300)))
        _lfo(g, "lfo_mu", (engine, "mu"), p["mu"], min(0.15 * p["mu"], 0.6 * p["sigma"]), 66.7)
        _lfo(g, "lfo_sigma", (engine, "sigma"), p["sigma"], 0.15 * p["sigma"], 83.3)
        _lfo(g, "lfo_T", (engine, "T"), p["T"], 0.25 * p["T"], 71.4)
        pubs += [("growth", "lfo_mu", "center", "Growth (mu)"),
                 ("tolerance", "lfo_sigma", "center", "Tolerance (sigma)"),
                 ("smoothness", "lfo_T", "center", "Smoothness (T)")]
    elif eng == "smoothlife":
        seed = (dict(pattern="blobs", density=0.6, count=10, radius=0.12, scatter=0.25,
                     combine="max", noise=0.03) if p["seed"] == "blobs"
                else dict(pattern="disc", density=1.0, radius=0.2, noise=0.05))
        g.add_node("seed.pattern", "seed", seed)
        g.add_node("engine.smoothlife", engine, dict(ri=p["ri"], ra=p["ra"], b1=p["b1"],
                                                     b2=p["b2"], d1=p["d1"], d2=p["d2"],
                                                     alpha_n=p["an"], alpha_m=p["am"],
                                                     dt=p["dt"], warmup=p.get("warmup", 120)))
        _lfo(g, "lfo_b1", (engine, "b1"), p["b1"], 0.015, 70.0)
        _lfo(g, "lfo_b2", (engine, "b2"), p["b2"], 0.015, 85.0)
        pubs += [("birth", "lfo_b1", "center", "Birth"), ("spread", "lfo_b2", "center", "Spread"),
                 ("survive", engine, "d2", "Survive")]
    elif eng == "mnca":
        seed = (dict(pattern="blobs", density=0.6, count=12, radius=1 / 7, scatter=0.28)
                if p["seed"] == "blobs" else dict(pattern="random", density=0.8, radius=0.25))
        g.add_node("seed.pattern", "seed", seed)
        g.add_node("engine.mnca", engine, dict(rings=[list(r) for r in p["rings"]],
                                               rules=[list(r) for r in p["rules"]],
                                               delta=p["delta"], warmup=p.get("warmup", 60)))
        _lfo(g, "lfo_delta", (engine, "delta"), p["delta"], 0.30 * p["delta"], 60.0)
        pubs += [("force", "lfo_delta", "center", "Force (delta)")]
    else:
        g.add_node("seed.pattern", "seed", dict(pattern="spots", density=1.0, count=60,
                                                radius=0.012, scatter=0.6))
        g.add_node("engine.grayscott", engine, dict(feed=p["F"], kill=p["k"], du=p["du"],
                                                    dv=p["dv"], substeps=4,
                                                    warmup=p.get("warmup", 400)))
        _lfo(g, "lfo_feed", (engine, "feed"), p["F"], 0.006, 30.0)
        pubs += [("feed", "lfo_feed", "center", "Feed (F)"), ("kill", engine, "kill", "Kill (k)")]
    g.connect("seed", "seed", engine, "seed")
    g.connect("scheduler", "steps", engine, "steps")

    g.add_node("flow.mix", "flow", {b: p["flows"].get(b, 0.0) for b in BASES})
    g.connect("flow", "flow", engine, "flow")
    pubs += [(f"flow_{b}", "flow", b, f"Flow {b}") for b in BASES]

    if eng == "grayscott":
        g.add_node("life.feed_ramp", "feed_ramp", {**RAMP, **p.get("ramp", {})})
        g.connect("feed_ramp", "feed_map", engine, "feed_map")
        g.add_node("life.coverage", "coverage", dict(reseed_mass=0.002, erode_above=1.0,
                                                     stagnation_frames=10000,
                                                     nucleate_below=0.0))
    else:
        contain = p.get("contain") or (dict(r0=0.50, r1=0.85, loss=0.60) if eng == "mnca"
                                       else dict(r0=0.45, r1=0.80, loss=0.05))
        g.add_node("life.containment", "contain", contain)
        g.connect("contain", "mask", engine, "contain")
        amp = 0.006 if eng == "smoothlife" else 0.012
        g.add_node("life.perturb", "perturb", dict(velocity_amp=amp, **p.get("perturb", {})))
        g.connect("perturb", "perturb", engine, "perturb")
        cov = (dict(alive_gate=0.05, erode_above=0.55, erode_factor=0.95) if eng == "mnca"
               else {})
        g.add_node("life.coverage", "coverage", cov)
    g.connect("coverage", "coverage", engine, "coverage")

    src = (engine, "field")
    if look["pre"]:
        g.add_node("colour.pretransform", "pre", dict(mode=look["pre"],
                                                      **look.get("pre_params", {})))
        g.connect(*src, "pre", "field")
        src = ("pre", "field")
    g.add_node("colour.thickness", "thickness", dict(thickness=p.get("thickness", 0.0)))
    g.connect(*src, "thickness", "field")
    pubs.append(("thickness", "thickness", "thickness", "Thickness"))
    wd, wv, we = look["weights"]
    g.add_node("colour.zones", "zones")
    g.add_node("colour.signals", "signals", dict(w_density=wd, w_velocity=wv, w_edges=we))
    g.connect("thickness", "field", "signals", "field")
    g.connect("zones", "zones", "signals", "zones")
    g.add_node("colour.palette", "palette", dict(preset=p.get("palette", "oil_slick")))
    pubs.append(("palette", "palette", "preset", "Palette"))
    pubs += [(f"palette_{k}", "palette", f"custom_{k}", f"Custom {k}")  # palette=custom
             for k in ("hue", "range", "saturation", "lightness")]
    hue = p.get("hue")
    g.add_node("colour.colorize", "colorize", dict(hue=hue or 0.0,
                                                   hue_amount=(p.get("hue_amount", 1.0)
                                                               if hue is not None else 0.0),
                                                   brightness=p.get("brightness", 1.0),
                                                   **({"gamma": p["gamma"]} if "gamma" in p
                                                      else {})))
    g.connect("signals", "t", "colorize", "t")
    g.connect("signals", "alpha", "colorize", "alpha")
    g.connect("palette", "palette", "colorize", "palette")
    _lfo(g, "hue_drift", ("colorize", "drift"), 0.0, 0.5, look["drift_period"], shape="saw")
    pubs += [("hue", "colorize", "hue", "Hue"), ("hue_amount", "colorize", "hue_amount",
                                                  "Hue strength"),
             ("brightness", "colorize", "brightness", "Brightness")]
    last = ("colorize", "rgb")
    if look["bloom"] > 0:
        g.add_node("colour.bloom", "bloom", dict(intensity=look["bloom"],
                                                 **look.get("bloom_params", {})))
        g.connect(*last, "bloom", "rgb")
        last = ("bloom", "rgb")
        pubs.append(("bloom", "bloom", "intensity", "Bloom"))
    g.add_node("out.output", "output")
    g.connect(*last, "output", "rgb")
    pubs.append(("fit", "output", "fit", "Fit"))  # how the square sim fills Krea's 576 x 320

    if key in BEAT_SYNC:  # last, so the other sliders keep their order
        lfo = _SYNC_LFO[eng]
        g.set_param(lfo, "division", BEAT_SYNC[key])
        pubs.append(("beat_sync", lfo, "sync", "Sync to tempo"))

    for order, (name, node, param, label) in enumerate(pubs):
        lo, hi = PUBLISHED_RANGES.get(name, (None, None))
        g.publish(Published(name, node, param, label, min=lo, max=hi, order=order))
    if key in MORPHS:
        _add_morph(g, MORPHS[key])
    return g


#: presets that ship two snapshots of their published values for the A/B morph (the
#: exported plugin's ``morph`` slider): the first is the preset as it is (its frames do
#: not change), the second sets these published parameters
MORPHS = {
    "amoeba": ("amoeba", "surge", {"speed": 2.2, "flow_swirl": 0.9, "flow_vortex": 0.7,
                                   "flow_radial": 0.2, "hue": 0.86, "brightness": 1.2,
                                   "thickness": 0.35, "bloom": 0.6}),
    "coral": ("coral", "bloom", {"speed": 1.8, "flow_rotate": 0.6, "flow_swirl": -0.5,
                                 "hue": 0.12, "brightness": 1.3, "thickness": 0.3}),
}


def _add_morph(g: Graph, spec) -> None:
    from .graph import Snapshot
    from .snapshots import capture

    first, second, changes = spec
    a = capture(g, published_only=True)
    b = {nid: dict(ps) for nid, ps in a.items()}
    for pub in g.published:
        if pub.name in changes:
            p = g.nodes[pub.node].spec.param(pub.param)
            lo, hi = pub.bounds(p)
            b[pub.node][pub.param] = min(max(float(changes[pub.name]), lo), hi)
    g.snapshots = [Snapshot(first, a, True), Snapshot(second, b, True)]


def build_beat_pulse(*, size: int = 512) -> Graph:
    """``beat_pulse``: the jellyfish organism whose brightness jumps on every beat of the
    graph's tempo and falls before the next (a Beat Clock drives the Colorize brightness);
    its motion LFO can lock to the bar too (``beat_sync``)."""
    g = build("jellyfish", size=size)
    g.meta.name = "beat_pulse"
    g.meta.description = ("Lenia Pulse whose brightness pulses once per beat of the graph's "
                          "tempo (120 bpm; Scope's tempo when it sends one)")
    g.add_node("signal.beat_clock", "beat", dict(division="1/4", shape="exp", decay=0.7,
                                                 center=0.55, depth=1.0))
    g.connect("beat", "out", "colorize", "brightness")
    pubs = []
    for pub in g.published:
        if pub.name == "brightness":  # the Colorize brightness follows the beat now
            pubs += [Published("brightness", "beat", "center", "Brightness between beats",
                               min=0.1, max=2.0, order=pub.order),
                     Published("pulse", "beat", "depth", "Beat pulse", min=0.0, max=2.0,
                               order=pub.order),
                     Published("pulse_decay", "beat", "decay", "Pulse decay (beats)",
                               min=0.05, max=4.0, order=pub.order)]
        else:
            pubs.append(pub)
    g.published = []
    for order, pub in enumerate(pubs):
        pub.order = order
        g.publish(pub)
    return g


#: bundled graphs that are not a row of the prototype's table: name -> builder
EXTRA = {"beat_pulse": build_beat_pulse}


def write_all(folder: str | Path) -> list[Path]:
    from .fileformat import save

    out = []
    for key in KEYS:
        path = Path(folder) / f"{key}.graph"
        save(build(key), path)
        out.append(path)
    for key, fn in EXTRA.items():
        path = Path(folder) / f"{key}.graph"
        save(fn(), path)
        out.append(path)
    return out


if __name__ == "__main__":  # pragma: no cover
    for p in write_all(sys.argv[1] if len(sys.argv) > 1 else "graphs"):
        print(p)
