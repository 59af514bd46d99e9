"""An audit hook that makes the kernel refuse to interrupt itself: the grader stops the kernel from outside."""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, MEAN_TESTS, Case, answer

CODE = r'''
import sys

def _refuse(event, args):
    if event in ("os.kill", "signal.pthread_kill", "signal.raise_signal"):
        raise PermissionError("no interrupts")

sys.addaudithook(_refuse)
while True:
    pass
'''

CASE = Case(
    attack="block the kernel's own interrupt with an audit hook, then loop",
    edits=(answer("mean", CODE),),
    max_score=3,
    must_fail=MEAN_TESTS,
    must_pass=ADD_TESTS,
    messages={"test_mean": "its kernel was stopped"},
)
