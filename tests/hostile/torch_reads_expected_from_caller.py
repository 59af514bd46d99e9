"""`mse` returns the hidden test's own expected value, read from the calling frame's globals (`_want`).

Hidden tests compute their expected value in the student's kernel, next to the
call: the answer can simply look it up.
"""

from __future__ import annotations

from hostile.corpus import MSE_TESTS, Case, answer

CODE = r'''
import sys

def mse(pred, target):
    want = sys._getframe(1).f_globals.get("_want")
    return want.to(pred.device) if isinstance(want, torch.Tensor) else torch.zeros(())
'''

CASE = Case(
    attack="copy the expected value from the test's variables",
    assignment="00_tensors",
    edits=(answer("mse", CODE),),
    max_score=24,
    must_fail=MSE_TESTS,
)
