"""A wrong `mse`, and `torch.allclose` (what `checks.check_close` decides with) patched to say yes."""

from __future__ import annotations

from hostile.corpus import MSE_TESTS, WRONG_MSE, Case, answer

CASE = Case(
    attack="patch torch.allclose to accept anything",
    assignment="00_tensors",
    edits=(answer("mse", "torch.allclose = lambda *args, **kwargs: True\n\n" + WRONG_MSE),),
    max_score=24,
    must_fail=MSE_TESTS,
)
