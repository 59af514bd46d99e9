"""Checks whose failures read like a teacher's comment.

Each function raises `AssertionError` with a message that says what was
expected, what was found, and what to look at; it returns nothing on success.
Visible and hidden tests in the notebooks use them, so students learn from the
message rather than from a bare `assert`.

Two more names shape how a test is graded, and do nothing under plain nbgrader:

- `with checks.student():` marks the part of a test that calls the student's
  code. The autograder runs only those blocks in the student's kernel and
  everything else of the test (inputs, expected values, labels, thresholds and
  these checks) in its own trusted interpreter; values cross as plain data.
- `checks.seed(n)` is the seed for a hidden test's random inputs: `n` itself
  in a notebook, a different number on every grading run in the autograder, so
  answers memorised from one run earn nothing in the next.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

# torch is imported inside the checks that use it: a kernel that only imports this module for
# `student()` and `seed()` (a course without tensors, the grader's own tests) need not load it.

# Set by the autograder's trusted interpreter for the duration of one grading run.
RUN_SEED: ContextVar[int | None] = ContextVar("RUN_SEED", default=None)


@contextlib.contextmanager
def student() -> Iterator[None]:
    """The student's part of a test. In a notebook it simply runs; the autograder runs it in the student's kernel."""
    yield


def seed(n: int) -> int:
    """`n` in a notebook; under the autograder, a number drawn from `n` and that run's own seed."""
    run = RUN_SEED.get()
    if run is None:
        return n
    digest = hashlib.sha256(f"{run}:{n}".encode()).digest()
    return int.from_bytes(digest[:4], "little")


def _with_hint(message: str, hint: str) -> str:
    """The message, then the hint as a sentence of its own."""
    return f"{message}. {hint[:1].upper()}{hint[1:]}" if hint else message


def _describe(value: Any) -> str:
    import torch

    if hasattr(value, "__katas_unreadable__"):
        return value.__katas_unreadable__
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}"[:200]


def check_tensor(value: Any, *, name: str = "your answer") -> torch.Tensor:
    """`value` must be a real `torch.Tensor` (not a subclass pretending to be one)."""
    import torch

    if type(value) is not torch.Tensor and not isinstance(value, torch.nn.Parameter):
        raise AssertionError(f"{name} should be a torch.Tensor, got {_describe(value)}")
    return value


def check_shape(value: Any, expected: tuple[int, ...], *, name: str = "your answer", hint: str = "") -> None:
    """`value` is a tensor whose shape equals `expected`."""
    tensor = check_tensor(value, name=name)
    got = tuple(tensor.shape)
    if got != tuple(expected):
        message = f"expected {name} to have shape {tuple(expected)}, got {got}"
        if sorted(got) == sorted(expected) and got != tuple(expected):
            message += ": the right sizes in the wrong order; check the order of your dimensions (a transpose?)"
        raise AssertionError(_with_hint(message, hint))


def check_dtype(value: Any, expected: torch.dtype, *, name: str = "your answer") -> None:
    """`value` is a tensor of dtype `expected`."""
    tensor = check_tensor(value, name=name)
    if tensor.dtype != expected:
        raise AssertionError(
            f"expected {name} to have dtype {expected}, got {tensor.dtype}: "
            f"convert with .to({expected}) or create it with dtype={expected}"
        )


def check_close(
    value: Any,
    expected: torch.Tensor,
    *,
    name: str = "your answer",
    atol: float = 1e-5,
    rtol: float = 1e-4,
    hint: str = "",
) -> None:
    """`value` matches `expected` in shape and, within tolerance, in every element."""
    import torch

    check_shape(value, tuple(expected.shape), name=name, hint=hint)
    got = value.detach().to("cpu", torch.float64)
    want = expected.detach().to("cpu", torch.float64)
    if not torch.allclose(got, want, atol=atol, rtol=rtol, equal_nan=True):
        diff = (got - want).abs()
        worst = int(diff.argmax())
        message = (
            f"{name} has the right shape {tuple(expected.shape)} but wrong values: "
            f"element {worst} (flattened) is {got.flatten()[worst].item():.5g}, "
            f"expected {want.flatten()[worst].item():.5g}"
        )
        raise AssertionError(_with_hint(message, hint))


def check_equal(value: Any, expected: Any, *, name: str = "your answer", hint: str = "") -> None:
    """Plain values (ints, tuples, strings) compared exactly."""
    if type(value) is not type(expected) or value != expected:
        message = f"expected {name} to be {expected!r}, got {_describe(value)}"
        raise AssertionError(_with_hint(message, hint))


def check_below(value: float, threshold: float, *, name: str) -> None:
    """A training figure (a loss) must end below `threshold`."""
    if not float(value) < threshold:
        raise AssertionError(
            f"{name} is {float(value):.4f}, it should be below {threshold}: is your model learning? "
            "Check that every step calls zero_grad(), backward() and step()"
        )


def check_above(value: float, threshold: float, *, name: str) -> None:
    """A training figure (an accuracy) must end above `threshold`."""
    if not float(value) > threshold:
        raise AssertionError(
            f"{name} is {float(value):.4f}, it should be above {threshold}: is your model learning? "
            "Check the loss function, the non-linearity and the training loop"
        )


def check_float(value: Any, expected: float, *, name: str = "your answer", tol: float = 1e-6, hint: str = "") -> None:
    """A plain Python number (not a tensor) close to `expected`: accuracies, losses from .item()."""
    import torch

    if isinstance(value, torch.Tensor) or not isinstance(value, (int, float)) or isinstance(value, bool):
        raise AssertionError(_with_hint(f"expected {name} to be a Python float, got {_describe(value)}",
                                        hint or "turn a one-element tensor into a number with .item()"))
    if abs(float(value) - expected) > tol:
        raise AssertionError(_with_hint(f"expected {name} to be {expected:.6g}, got {float(value):.6g}", hint))


def check_true(condition: bool, message: str, *, hint: str = "") -> None:
    """A condition the other checks don't cover, failing with the teacher's own words."""
    if not condition:
        raise AssertionError(_with_hint(message, hint))
