"""A long sleep is interrupted like any cell past its time limit."""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, MEAN_TESTS, SHOUT_TESTS, Case, answer

CODE = r'''
import time
time.sleep(3600)
'''

CASE = Case(
    attack="sleep for an hour",
    edits=(answer("mean", CODE),),
    max_score=5,
    must_fail=MEAN_TESTS,
    must_pass=ADD_TESTS + SHOUT_TESTS,
    messages={"test_mean": "ran past its time limit and was interrupted"},
)
