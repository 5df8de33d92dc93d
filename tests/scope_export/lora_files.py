"""Small safetensors files shaped like Wan2.1 LoRAs (helpers for the tests)."""

from pathlib import Path

import numpy as np
from safetensors.numpy import save_file


def wan_lora(path: Path, dim: int, *, blocks: int = 2, rank: int = 4) -> Path:
    tensors = {}
    for b in range(blocks):
        for m in ("self_attn.q", "self_attn.k", "cross_attn.v"):
            base = f"diffusion_model.blocks.{b}.{m}"
            tensors[f"{base}.lora_A.weight"] = np.zeros((rank, dim), np.float16)
            tensors[f"{base}.lora_B.weight"] = np.zeros((dim, rank), np.float16)
    save_file(tensors, str(path))
    return path


def lora_14b(path: Path) -> Path:
    return wan_lora(path, 5120)


def lora_1_3b(path: Path) -> Path:
    return wan_lora(path, 1536)


def truncated(path: Path, src: Path) -> Path:
    data = src.read_bytes()
    path.write_bytes(data[: len(data) - 1000])
    return path


def bad_header(path: Path) -> Path:
    header = b'{"a": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]'  # cut JSON
    path.write_bytes(len(header).to_bytes(8, "little") + header + b"\0" * 4)
    return path
