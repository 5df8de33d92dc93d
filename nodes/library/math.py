"""Field maths and the explicit feedback (delay) node."""

from __future__ import annotations

import numpy as np

from ..spec import E, F, Kind, Node, Port

f32 = np.float32


class Feedback(Node):
    type_id = "math.feedback"
    title = "Feedback (delay)"
    category = "Math"
    doc = ("Outputs what reached its input on the previous frame (zeros on the first). The only "
           "way to close a loop in a graph: trails, echoes, self-feeding patterns.")
    inputs = (Port("field", Kind.FIELD, optional=True),)
    outputs = (Port("field", Kind.FIELD),)
    params = (F("decay", 1.0, 0.0, 1.0),)
    is_delay = True

    def process(self, ctx, inputs, params):
        x = inputs.get("field")  # the previous frame's value (evaluator passes it)
        if x is None:
            out = ctx.xp.zeros(ctx.shape, f32)
        else:
            out = x * f32(params["decay"])  # a copy: upstream buffers are reused
        return {"field": out}


class Mix(Node):
    type_id = "math.mix"
    title = "Field Mix"
    category = "Math"
    doc = "Combine two fields: mix (a + (b - a) t), add, multiply, max, min, difference."
    inputs = (Port("a", Kind.FIELD), Port("b", Kind.FIELD))
    outputs = (Port("field", Kind.FIELD),)
    params = (E("op", "mix", ("mix", "add", "multiply", "max", "min", "difference")),
              F("t", 0.5, 0.0, 1.0), F("gain", 1.0, 0.0, 10.0))

    def process(self, ctx, inputs, params):
        xp = ctx.xp
        a, b = inputs["a"], inputs["b"]
        op = params["op"]
        if op == "mix":
            r = a + (b - a) * f32(params["t"])
        elif op == "add":
            r = a + b
        elif op == "multiply":
            r = a * b
        elif op == "max":
            r = xp.maximum(a, b)
        elif op == "min":
            r = xp.minimum(a, b)
        else:
            r = xp.abs(a - b)
        r *= f32(params["gain"])
        return {"field": xp.clip(r, f32(0), f32(1), out=r)}


class FieldLevels(Node):
    type_id = "math.levels"
    title = "Field Levels"
    category = "Math"
    doc = "out = clip((x - low) / (high - low)) ^ gamma."
    inputs = (Port("field", Kind.FIELD),)
    outputs = (Port("field", Kind.FIELD),)
    params = (F("low", 0.0, 0.0, 1.0), F("high", 1.0, 0.0, 1.0), F("gamma", 1.0, 0.1, 5.0))

    def process(self, ctx, inputs, params):
        xp = ctx.xp
        lo, hi = params["low"], max(params["high"], params["low"] + 1e-4)
        y = (inputs["field"] - f32(lo)) * f32(1 / (hi - lo))
        xp.clip(y, f32(0), f32(1), out=y)
        if params["gamma"] != 1.0:
            y **= f32(params["gamma"])
        return {"field": y}


NODES = (Feedback, Mix, FieldLevels)
