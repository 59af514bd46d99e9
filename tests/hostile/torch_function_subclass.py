"""A tensor subclass whose `__torch_function__` makes every comparison succeed: the checks accept only
plain `torch.Tensor` objects, so it fails on its type before any comparison.
"""

from __future__ import annotations

from hostile.corpus import MSE_TESTS, Case, answer

CODE = r'''
class _Sly(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func in (torch.allclose, torch.equal, torch.Tensor.__eq__):
            return True
        return super().__torch_function__(func, types, args, kwargs or {})

def mse(pred, target):
    return torch.zeros(()).as_subclass(_Sly)
'''

CASE = Case(
    attack="return a tensor subclass that answers yes to allclose and ==",
    assignment="00_tensors",
    edits=(answer("mse", CODE),),
    max_score=24,
    must_fail=MSE_TESTS,
    messages={"test_mse": "should be a torch.Tensor"},
)
