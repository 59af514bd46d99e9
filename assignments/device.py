"""Device-agnostic code: use CUDA when there is a GPU, the CPU otherwise."""

from __future__ import annotations

import torch


def best_device() -> torch.device:
    """The device the course's notebooks and hidden tests run on."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
