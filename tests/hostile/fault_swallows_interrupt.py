"""A loop that catches the interrupt and carries on: its kernel is killed; what was graded before stays."""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, MEAN_TESTS, Case, answer

CODE = r'''
while True:
    try:
        while True:
            pass
    except KeyboardInterrupt:
        pass
'''

CASE = Case(
    attack="loop forever, catching every KeyboardInterrupt",
    edits=(answer("mean", CODE),),
    max_score=3,
    must_fail=MEAN_TESTS,
    must_pass=ADD_TESTS,
    messages={"test_mean": "its kernel was stopped"},
)
