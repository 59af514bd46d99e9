"""A wrong `mse`, and the notebook's `checks` name rebound to a stand-in where every check passes."""

from __future__ import annotations

from hostile.corpus import MSE_TESTS, WRONG_MSE, Case, answer

CODE = r'''
class _Lenient:
    def __getattr__(self, name):
        return lambda *args, **kwargs: None

checks = _Lenient()

''' + WRONG_MSE

CASE = Case(
    attack="shadow the `checks` module with an object whose every function does nothing",
    assignment="00_tensors",
    edits=(answer("mse", CODE),),
    max_score=24,
    must_fail=MSE_TESTS,
)
