"""Hand frames to PyTorch without a host round trip (DLPack).

Two ways, both ordered on the GPU by events (no host synchronisation):

* :func:`frame_into_torch` writes a frame straight into a torch tensor that
  torch owns (e.g. the THWC float32 video buffer a video model reads), as one
  device-to-device kernel issued on **torch's current stream**, after the
  work CuPy queued for the frame.  CuPy's stream then waits for the write
  before the next frame may reuse the runtime's buffers.
* :func:`as_torch` returns a zero-copy torch view of a backend array (the
  runtime's own output buffer).  It aliases memory the runtime overwrites on
  the next frame: consume it before stepping again, or use
  :func:`frame_into_torch`.

On the NumPy backend both work on CPU tensors (``torch.from_numpy``); a CPU
frame written into a CUDA tensor is uploaded with ``copy_``.
"""

from __future__ import annotations

import numpy as np

from .backend import is_cupy_array


def _torch():
    import torch

    return torch


def as_torch(rgb):
    """Zero-copy torch tensor sharing ``rgb``'s memory (CUDA for CuPy, CPU for NumPy)."""
    torch = _torch()
    if is_cupy_array(rgb):
        return torch.from_dlpack(rgb)
    return torch.from_numpy(np.asarray(rgb))


def _cupy_stream_of(torch_stream, device_index: int):
    import cupy as cp

    from_external = getattr(cp.cuda.Stream, "from_external", None)
    if from_external is not None:
        try:
            return from_external(torch_stream)
        except Exception:
            pass
    return cp.cuda.ExternalStream(torch_stream.cuda_stream, device_index)


def frame_into_torch(rgb, tensor, index=None):
    """Write frame ``rgb`` (H, W, C) into ``tensor`` (or ``tensor[index]``, e.g. THWC's t).

    Returns the written torch view.  ``tensor`` may be strided (a permuted
    view): the copy kernel follows its strides.  dtype is converted if needed.
    """
    torch = _torch()
    dst = tensor if index is None else tensor[index]
    if tuple(dst.shape) != tuple(rgb.shape):
        raise ValueError(f"frame shape {tuple(rgb.shape)} does not match target "
                         f"{tuple(dst.shape)}")
    if not is_cupy_array(rgb):
        src = torch.from_numpy(np.ascontiguousarray(rgb))
        dst.copy_(src, non_blocking=False)
        return dst
    if dst.device.type != "cuda":
        raise ValueError("a CuPy frame can only be written into a CUDA tensor")
    import cupy as cp

    with cp.cuda.Device(dst.device.index):
        producer = cp.cuda.get_current_stream()
        consumer = _cupy_stream_of(torch.cuda.current_stream(dst.device), dst.device.index)
        ready = cp.cuda.Event(disable_timing=True)
        ready.record(producer)
        consumer.wait_event(ready)  # torch's stream waits for the frame's kernels
        with consumer:
            view = cp.from_dlpack(dst)
            if view.dtype == rgb.dtype:
                cp.copyto(view, rgb)
            else:
                view[...] = rgb.astype(view.dtype)
            done = cp.cuda.Event(disable_timing=True)
            done.record(consumer)
        producer.wait_event(done)  # the next frame may overwrite rgb only after the copy
    return dst
