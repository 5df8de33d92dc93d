"""LoRA file checks: integrity (the safetensors header and data length) and the
Wan2.1 base model the LoRA was trained for (14B for Krea Realtime, or 1.3B).

Field failures this catches before Scope does:

* truncated transfers (Scope reports "invalid JSON in header" or fails deep in
  the loader): the header's tensor offsets run past the end of the file;
* a file that is not safetensors at all (an HTML error page, a .ckpt);
* a Wan2.1-1.3B LoRA loaded onto Krea's 14B model (silently does nothing or
  fails with shape errors): recognised from the tensor shapes.
"""

from __future__ import annotations

import json
import os
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

#: hidden sizes of the Wan2.1 text-to-video transformers
WAN_DIMS = {"14B": {5120, 13824}, "1.3B": {1536, 8960}}
WAN_BLOCKS = {"14B": 40, "1.3B": 30}
KREA_BASE = "14B"
MAX_HEADER = 100 * 1024 * 1024
_DTYPE_BYTES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1,
                "U8": 1, "BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1, "U16": 2, "U32": 4, "U64": 8}
_BLOCK_RE = re.compile(r"blocks[._](\d+)[._]")


class LoraError(Exception):
    """A LoRA that cannot be used (message names the file)."""


@dataclass
class LoraReport:
    path: str
    ok: bool = False  # the file is a readable safetensors file
    error: str | None = None
    base_model: str | None = None  # "14B", "1.3B" or None (unknown)
    tensors: int = 0
    rank: int | None = None
    size_bytes: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def krea_compatible(self) -> bool:
        return self.ok and self.base_model == KREA_BASE

    def problem_for_krea(self) -> str | None:
        """Why this LoRA cannot work with Krea Realtime (Wan2.1-T2V-14B), or None."""
        if not self.ok:
            return f"LoRA {self.path}: {self.error}"
        if self.base_model == "1.3B":
            return (f"LoRA {self.path} was trained for Wan2.1-1.3B; Krea Realtime is "
                    "Wan2.1-T2V-14B and would ignore or reject it")
        if self.base_model is None:
            return (f"LoRA {self.path}: cannot tell which Wan2.1 model it is for (no 14B or "
                    "1.3B tensor shapes found); it may not be a Wan LoRA")
        return None

    def summary(self) -> str:
        if not self.ok:
            return f"BROKEN  {self.error}"
        model = f"Wan2.1 {self.base_model}" if self.base_model else "unknown base model"
        rank = f", rank {self.rank}" if self.rank else ""
        verdict = "ok for Krea" if self.krea_compatible else "NOT for Krea"
        return f"{verdict}  ({model}, {self.tensors} tensor{'s' * (self.tensors != 1)}{rank}, {_mb(self.size_bytes)})"


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def read_header(path: str | os.PathLike) -> tuple[dict, int, int]:
    """Parse and validate a safetensors header: (header, header_len, file_size).

    Raises LoraError with a message that says what is wrong and names the file.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        with open(p, "rb") as fh:
            head = fh.read(8)
            if len(head) < 8:
                raise LoraError(f"LoRA {p}: file is {size} bytes, too short to be safetensors "
                                "(empty or truncated transfer)")
            (n,) = struct.unpack("<Q", head)
            if n > MAX_HEADER or n == 0:
                raise LoraError(f"LoRA {p}: not a safetensors file (header length {n} is "
                                "implausible; is it an HTML error page or a .ckpt/.pt file?)")
            if 8 + n > size:
                raise LoraError(f"LoRA {p}: truncated: the header needs {n} bytes but the file "
                                f"has only {size - 8} after the length; re-download it")
            raw = fh.read(n)
    except FileNotFoundError:
        raise LoraError(f"LoRA {p}: file not found") from None
    except IsADirectoryError:
        raise LoraError(f"LoRA {p}: is a directory, expected a .safetensors file") from None
    except PermissionError:
        raise LoraError(f"LoRA {p}: permission denied") from None
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LoraError(f"LoRA {p}: invalid JSON in the safetensors header ({exc}); the file "
                        "is corrupt or not safetensors") from None
    if not isinstance(header, dict):
        raise LoraError(f"LoRA {p}: safetensors header is not a JSON object")
    end = 0
    for name, info in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype, shape, (a, b) = info["dtype"], info["shape"], info["data_offsets"]
            if not all(type(x) is int for x in (a, b)):
                raise TypeError("data_offsets must be whole numbers")
            need = _DTYPE_BYTES.get(dtype)
            count = 1
            for d in shape:
                count *= int(d)
        except (KeyError, TypeError, ValueError):
            raise LoraError(f"LoRA {p}: malformed safetensors entry for tensor {name!r}") from None
        if need is not None and b - a != need * count:
            raise LoraError(f"LoRA {p}: tensor {name!r} has {b - a} bytes, its shape needs "
                            f"{need * count}; the file is corrupt")
        end = max(end, int(b))
    data = size - 8 - n
    if end > data:
        raise LoraError(f"LoRA {p}: truncated: the header describes {end} bytes of tensor data "
                        f"but the file holds {data} ({_mb(size)} of {_mb(8 + n + end)}); "
                        "the transfer was cut short, copy it again")
    return header, n, size


def check(path: str | os.PathLike) -> LoraReport:
    """Open ``path`` with the safetensors library and infer its base model."""
    rep = LoraReport(str(path))
    try:
        header, _, size = read_header(path)
    except LoraError as exc:
        rep.error = str(exc).split(": ", 1)[1] if str(exc).startswith("LoRA ") else str(exc)
        return rep
    rep.size_bytes = size
    shapes: dict[str, list[int]] = {}
    try:
        from safetensors import safe_open

        with safe_open(str(path), framework="numpy") as f:
            for key in f.keys():
                shapes[key] = list(f.get_slice(key).get_shape())
    except ImportError:  # pragma: no cover - safetensors is a dependency
        shapes = {k: list(v["shape"]) for k, v in header.items() if k != "__metadata__"}
        rep.notes.append("safetensors library not installed; checked the header only")
    except Exception as exc:  # the library's own verdict on a bad file
        rep.error = f"safetensors cannot open it: {exc}"
        return rep
    rep.ok = True
    rep.tensors = len(shapes)
    if not shapes:
        rep.ok = False
        rep.error = "contains no tensors"
        return rep
    rep.base_model, rep.rank = infer_base(shapes)
    return rep


def infer_base(shapes: dict[str, list[int]]) -> tuple[str | None, int | None]:
    """(base model, LoRA rank) from tensor names and shapes."""
    votes = {"14B": 0, "1.3B": 0}
    ranks: dict[int, int] = {}
    max_block = -1
    for name, shape in shapes.items():
        for d in shape:
            for model, dims in WAN_DIMS.items():
                if d in dims:
                    votes[model] += 1
        if len(shape) == 2 and ("lora_a" in name.lower() or "lora_down" in name.lower()):
            r = min(shape)
            ranks[r] = ranks.get(r, 0) + 1
        m = _BLOCK_RE.search(name)
        if m:
            max_block = max(max_block, int(m.group(1)))
    rank = max(ranks, key=ranks.get) if ranks else None
    if votes["14B"] > votes["1.3B"]:
        return "14B", rank
    if votes["1.3B"] > votes["14B"]:
        return "1.3B", rank
    if max_block >= WAN_BLOCKS["1.3B"]:  # only the 14B model has blocks 30..39
        return "14B", rank
    return None, rank


def parse_spec(spec: str) -> tuple[str, float]:
    """``PATH[:SCALE]`` -> (path, scale); a Windows drive colon is not a scale."""
    path, scale = spec, 1.0
    if ":" in spec and not Path(spec).expanduser().exists():
        head, tail = spec.rsplit(":", 1)
        try:
            scale = float(tail)
            path = head
        except ValueError:
            # "C:\\loras\\x.safetensors" is a Windows path; "x.safetensors:abc" a bad scale
            if head and len(head) > 1 and not any(c in tail for c in "/\\"):
                raise LoraError(f"LoRA {head}: scale {tail!r} is not a number "
                                "(PATH[:SCALE], e.g. style.safetensors:0.8)") from None
            path, scale = spec, 1.0
        if scale != scale or scale in (float("inf"), float("-inf")):
            raise LoraError(f"LoRA {path}: scale {tail!r} is not a number")
    if not path:
        raise LoraError(f"LoRA spec {spec!r}: missing path")
    if not -10.0 <= scale <= 10.0:
        raise LoraError(f"LoRA {path}: scale {scale:g} is outside Scope's range -10..10")
    return path, scale


def lora_dir() -> Path:
    """Scope's LoRA folder on this machine (DAYDREAM_SCOPE_LORA_DIR or its default)."""
    env = os.environ.get("DAYDREAM_SCOPE_LORA_DIR")
    if env:
        return Path(env).expanduser()
    models = os.environ.get("DAYDREAM_SCOPE_MODELS_DIR")
    if models:
        return Path(models).expanduser() / "lora"
    base = os.environ.get("DAYDREAM_SCOPE_DIR")
    return (Path(base).expanduser() if base else Path.home() / ".daydream-scope") / "models" / "lora"


def require_krea_compatible(path: str, *, allow_incompatible: bool = False) -> LoraReport:
    """Check ``path``; raise LoraError when it is broken, or (unless allowed) not a 14B LoRA."""
    rep = check(path)
    if not rep.ok:
        raise LoraError(f"LoRA {path}: {rep.error}")
    problem = rep.problem_for_krea()
    if problem and not allow_incompatible:
        raise LoraError(problem + " (pass --allow-incompatible-lora to use it anyway)")
    return rep
