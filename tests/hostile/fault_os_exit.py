"""os._exit ends the kernel: the tests after it are not run (and score nothing), the ones before keep their points."""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, MEAN_TESTS, Case, answer

CODE = r'''
import os
os._exit(3)
'''

CASE = Case(
    attack="exit the kernel process",
    edits=(answer("mean", CODE),),
    max_score=3,
    must_fail=MEAN_TESTS,
    must_pass=ADD_TESTS,
    messages={"test_mean": "the kernel died"},
)
