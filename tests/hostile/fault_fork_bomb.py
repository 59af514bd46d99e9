"""A fork bomb: the pids cgroup caps it, the sandbox kills every copy, and the batch goes on."""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, MEAN_TESTS, Case, answer

CODE = r'''
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
'''

CASE = Case(
    attack="fork without end",
    edits=(answer("mean", CODE),),
    max_score=5,
    must_fail=MEAN_TESTS,
    must_pass=ADD_TESTS,
)
