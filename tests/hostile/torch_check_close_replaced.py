"""A wrong `mse`, and the course's own check helper replaced: `checks.check_close = lambda *a, **k: None`."""

from __future__ import annotations

from hostile.corpus import MSE_TESTS, WRONG_MSE, Case, answer

CASE = Case(
    attack="replace the check helper the tests call with one that checks nothing",
    assignment="00_tensors",
    edits=(answer("mse", "checks.check_close = lambda *args, **kwargs: None\n\n" + WRONG_MSE),),
    max_score=24,
    must_fail=MSE_TESTS,
)
