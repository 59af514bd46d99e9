"""The subclass trick again, with `builtins.isinstance` patched so the type check lets it through.

`checks.check_tensor` accepts an `nn.Parameter` by `isinstance`: a patched
builtin says the fake is one, and its `__torch_function__` then answers allclose.
"""

from __future__ import annotations

from hostile.corpus import MSE_TESTS, Case, answer

CODE = r'''
import builtins

class _Sly(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func is torch.allclose:
            return True
        return super().__torch_function__(func, types, args, kwargs or {})

_real_isinstance = builtins.isinstance
builtins.isinstance = lambda obj, kind: (
    (type(obj) is _Sly and kind is torch.nn.Parameter) or _real_isinstance(obj, kind))

def mse(pred, target):
    return torch.zeros(()).as_subclass(_Sly)
'''

CASE = Case(
    attack="patch the isinstance builtin so a tensor subclass passes for a Parameter",
    assignment="00_tensors",
    edits=(answer("mse", CODE),),
    max_score=24,
    must_fail=MSE_TESTS,
)
