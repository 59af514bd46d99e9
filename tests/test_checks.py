"""The course's check helpers: each passes on the right value and fails with a teacher's message."""

from __future__ import annotations

import pytest
import torch

from assignments import checks


def test_shape_messages_point_at_the_transpose() -> None:
    checks.check_shape(torch.zeros(3, 2), (3, 2))
    with pytest.raises(AssertionError, match=r"expected x to have shape \(3, 2\), got \(2, 3\): the right sizes"):
        checks.check_shape(torch.zeros(2, 3), (3, 2), name="x")


def test_tensor_subclasses_and_lookalikes_are_refused() -> None:
    class Fake(torch.Tensor):
        pass

    with pytest.raises(AssertionError, match="should be a torch.Tensor"):
        checks.check_tensor(torch.zeros(2).as_subclass(Fake))
    with pytest.raises(AssertionError, match="should be a torch.Tensor, got list"):
        checks.check_tensor([0.0, 0.0])


def test_close_names_the_worst_element_and_capitalises_the_hint() -> None:
    checks.check_close(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0 + 1e-7]))
    with pytest.raises(AssertionError, match=r"element 1 \(flattened\) is 5, expected 2\. Use dim=0"):
        checks.check_close(torch.tensor([1.0, 5.0]), torch.tensor([1.0, 2.0]), hint="use dim=0")


def test_dtype_equal_float_and_true() -> None:
    with pytest.raises(AssertionError, match=r"dtype torch.float32, got torch.int64: convert with \.to"):
        checks.check_dtype(torch.tensor([1]), torch.float32)
    with pytest.raises(AssertionError, match="expected n to be 3, got int 4"):
        checks.check_equal(4, 3, name="n")
    with pytest.raises(AssertionError, match="Python float, got a tensor"):
        checks.check_float(torch.tensor(0.5), 0.5)
    checks.check_float(0.5, 0.5)
    with pytest.raises(AssertionError, match="^still training$"):
        checks.check_true(False, "still training")


def test_training_thresholds() -> None:
    checks.check_below(0.01, 0.05, name="test loss")
    checks.check_above(0.97, 0.9, name="accuracy")
    with pytest.raises(AssertionError, match="test loss is 0.4000, it should be below 0.05"):
        checks.check_below(0.4, 0.05, name="test loss")
    with pytest.raises(AssertionError, match="accuracy is 0.5000, it should be above 0.9"):
        checks.check_above(0.5, 0.9, name="accuracy")
