"""An answer cell that never ends: interrupted at the cell limit; every other exercise is still graded."""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, MEAN_TESTS, SHOUT_TESTS, Case, answer

CODE = r'''
while True:
    pass
'''

CASE = Case(
    attack="loop forever in an answer cell",
    edits=(answer("mean", CODE),),
    max_score=5,
    must_fail=MEAN_TESTS,
    must_pass=ADD_TESTS + SHOUT_TESTS,
    messages={"test_mean": "ran past its time limit and was interrupted"},
)
