"""Shadowing the `math` module the tests use with a stand-in whose `isclose` always says yes."""

from __future__ import annotations

from hostile.corpus import MEAN_TESTS, Case, answer

CODE = r'''
import types
math = types.SimpleNamespace(isclose=lambda *args, **kwargs: True)

def mean(xs: list[float]) -> float:
    return 0.0
'''

CASE = Case(
    attack="rebind the notebook's `math` to a fake module",
    edits=(answer("mean", CODE),),
    max_score=5,
    must_fail=MEAN_TESTS,
)
