"""What the check scripts (run in a subprocess with the Scope stand-in and one export on
sys.path) share: the exported pipeline class, its config class and Scope's load defaults."""

import importlib


def load(module: str):
    """``(pipeline module, pipeline class, config class, defaults)`` of an export, where the
    defaults are every non-None field default, as Scope passes them at load."""
    mod = importlib.import_module(f"{module}.pipeline")
    cls = next(v for k, v in vars(mod).items() if k.endswith("Pipeline") and k != "Pipeline")
    cfg = cls.get_config_class()
    defaults = {k: f.default for k, f in cfg.model_fields.items() if f.default is not None}
    return mod, cls, cfg, defaults
