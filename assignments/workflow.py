"""Helpers for 01_workflow: plots of a straight line, its predictions and the loss curves,
and two checks the workflow's tests need beyond `assignments.checks`.

Everything runs offline on the CPU or a GPU: tensors are detached and moved to the
CPU before they are drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch


def _cpu(values: torch.Tensor) -> Any:
    return values.detach().to("cpu").flatten().numpy()


def plot_predictions(
    train_data: torch.Tensor,
    train_labels: torch.Tensor,
    test_data: torch.Tensor,
    test_labels: torch.Tensor,
    predictions: torch.Tensor | None = None,
    *,
    title: str = "",
) -> None:
    """Training data in blue, test data in green and, when given, predictions on the test data in red."""
    import matplotlib.pyplot as plt  # here, not at the top: the grader imports this module and never plots

    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.scatter(_cpu(train_data), _cpu(train_labels), c="tab:blue", s=12, label="training data")
    ax.scatter(_cpu(test_data), _cpu(test_labels), c="tab:green", s=12, label="test data")
    if predictions is not None:
        ax.scatter(_cpu(test_data), _cpu(predictions), c="tab:red", s=12, label="predictions")
    ax.set_xlabel("X")
    ax.set_ylabel("y")
    if title:
        ax.set_title(title)
    ax.legend()
    plt.show()
    plt.close(fig)


def plot_loss_curves(train_losses: Sequence[float], test_losses: Sequence[float], *, title: str = "Loss curves") -> None:
    """Training and test loss per epoch, on one chart."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(range(len(train_losses)), list(train_losses), label="training loss")
    ax.plot(range(len(test_losses)), list(test_losses), label="test loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend()
    plt.show()
    plt.close(fig)


def check_float(value: Any, *, name: str = "your answer", hint: str = "") -> None:
    """`value` is a plain Python float (a loss read out with `.item()`), not a tensor."""
    if type(value) is not float:
        kind = f"a tensor of shape {tuple(value.shape)}" if isinstance(value, torch.Tensor) else type(value).__name__
        message = f"expected {name} to be a Python float, got {kind}"
        if hint:
            message += f". {hint}"
        raise AssertionError(message)


def check_not_tracking(value: torch.Tensor, *, name: str = "your predictions") -> None:
    """`value` was computed without autograd recording it (inside `torch.inference_mode()`)."""
    if value.requires_grad:
        raise AssertionError(
            f"{name} still track gradients (requires_grad=True): make predictions inside "
            "`with torch.inference_mode():` so PyTorch does not build a graph you will never use"
        )


def check_state_dict_file(path: Any, expected_keys: Sequence[str], *, name: str = "the saved file") -> dict[str, torch.Tensor]:
    """`path` holds a state_dict (a mapping of parameter names to tensors) with exactly `expected_keys`."""
    try:
        saved = torch.load(path, weights_only=True, map_location="cpu")
    except FileNotFoundError:
        raise AssertionError(f"{name} does not exist: save it with torch.save(model.state_dict(), path)") from None
    except Exception as error:
        raise AssertionError(
            f"{name} cannot be read as a state_dict ({type(error).__name__}): save model.state_dict(), "
            "not the whole model, with torch.save(model.state_dict(), path)"
        ) from None
    if not isinstance(saved, dict) or not all(isinstance(v, torch.Tensor) for v in saved.values()):
        raise AssertionError(
            f"{name} should hold a state_dict (parameter names mapped to tensors), got {type(saved).__name__}: "
            "save model.state_dict()"
        )
    if sorted(saved) != sorted(expected_keys):
        raise AssertionError(f"{name} holds the entries {sorted(saved)}, expected {sorted(expected_keys)}")
    return saved
