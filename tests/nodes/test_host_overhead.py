"""benchmarks/host_overhead.py: the GPU code path run with its CUDA kernels emulated on
the host (needs g++), counting the GPU calls a frame issues and mapping what a CUDA-graph
capture of the frame would face."""

from __future__ import annotations

import pytest
from nodes_helpers import benchmark_module


@pytest.fixture(scope="module")
def ho():
    from nodes.kernels import cuda_host

    if cuda_host.compiler() is None:
        pytest.skip("no host C++ compiler")
    return benchmark_module("host_overhead")


def test_kernel_argument_names_come_from_the_sources(ho):
    names = ho._arg_names("cag_advect_post")
    assert names[:4] == ["src", "vel", "scale", "out"]
    assert names[6] == "noise" and names[-3:] == ["flags", "h", "w"]
    assert ho._arg_names("cag_grayscott_step")[4] == "feed_gain"


def test_a_frame_issues_few_gpu_calls(ho):
    """The GPU path's call budget: a Lenia preset frame is a dozen CuPy calls (fused
    kernels, FFTs into kept buffers); a stray ufunc or copy would show up here."""
    us, host_us, counts = ho.measure("amoeba", 20, 1)
    assert us > 0 and host_us > 0
    assert counts["ffts"] == 2
    assert counts["array_ops"] == 0
    assert sum(counts.values()) <= 13


def test_plan_report_names_what_changes_per_frame(ho):
    rep = ho.plan_report("labyrinth", 16)
    assert "array addresses repeat every 2 frame(s)" in rep  # U/V ping-pong
    assert "scalars changing per frame: cag_grayscott_step.feed_gain" in rep  # the feed LFO
    rep = ho.plan_report("amoeba", 16)
    assert "not repeating: cag_advect_post.noise" in rep  # a random noise tile each step
    assert "cag_lenia_growth.mu" in rep
