"""GPU grading: the sandbox hands the host's NVIDIA devices to the kernel, and CUDA works inside it."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import torch

from conftest import grade
from notebooks import TOY_NOTEBOOK, with_answer
from autograder.course import Course
from autograder.sandbox import jail_command
from autograder.settings import Limits


def test_device_nodes_are_bound_into_the_jail(tmp_path: Path) -> None:
    nodes = [Path("/dev/nvidia0"), Path("/dev/nvidiactl"), Path("/dev/nvidia-uvm")]
    command = jail_command(Limits(), writable=tmp_path, devices=nodes)
    for node in nodes:
        at = command.index(str(node))
        assert command[at - 1] == "--dev-bind" and command[at + 1] == str(node)
    # ...after the minimal /dev, which would otherwise hide them.
    assert command.index("/dev") < command.index(str(nodes[0]))
    assert "--dev-bind" not in jail_command(Limits(), writable=tmp_path, devices=[])


@pytest.mark.gpu
@pytest.mark.slow
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")
def test_cuda_works_inside_the_sandbox(toy_course: Course, tmp_path: Path) -> None:
    solution = nbformat.read(toy_course.solutions / "toy" / TOY_NOTEBOOK, as_version=4)
    code = ("import torch\nassert torch.cuda.is_available(), 'no CUDA in the sandbox'\n"
            "def add(a, b):\n    return int((torch.tensor(a, device='cuda') + b).item())")
    submission = tmp_path / TOY_NOTEBOOK
    nbformat.write(with_answer(solution, "add", code), submission)
    result = grade(toy_course, "toy", submission, tmp_path / "out")
    assert result["score"] == result["max_score"], result
