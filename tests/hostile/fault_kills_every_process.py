"""kill(-1, SIGKILL), then the parent: signals reach only the sandbox's own processes (its PID namespace).

Whether the kernel survives (kill(-1) spares the caller) or not, the grader and
the tests before are untouched.
"""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, MEAN_TESTS, Case, answer

CODE = r'''
import os
import signal
os.kill(-1, signal.SIGKILL)
if os.getppid() > 1:
    os.kill(os.getppid(), signal.SIGKILL)
'''

CASE = Case(
    attack="SIGKILL every process it may signal",
    edits=(answer("mean", CODE),),
    max_score=5,
    must_fail=MEAN_TESTS,
    must_pass=ADD_TESTS,
)
