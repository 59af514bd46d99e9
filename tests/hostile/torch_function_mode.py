"""A `TorchFunctionMode` entered and never left: every torch call, the checks' own included, goes through
the student's code, which answers yes to `torch.allclose`.
"""

from __future__ import annotations

from hostile.corpus import MSE_TESTS, WRONG_MSE, Case, answer

CODE = r'''
from torch.overrides import TorchFunctionMode

class _Agreeable(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        if func is torch.allclose:
            return True
        return func(*args, **(kwargs or {}))

_Agreeable().__enter__()

''' + WRONG_MSE

CASE = Case(
    attack="leave a torch function mode active that intercepts allclose",
    assignment="00_tensors",
    edits=(answer("mse", CODE),),
    max_score=24,
    must_fail=MSE_TESTS,
)
