"""exit() in an answer cell: whatever the kernel makes of it (today it keeps running), the tests before keep
their points and the exercise earns none.
"""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, MEAN_TESTS, Case, answer

CODE = r'''
exit()
'''

CASE = Case(
    attack="ask the kernel to quit",
    edits=(answer("mean", CODE),),
    max_score=5,
    must_fail=MEAN_TESTS,
    must_pass=ADD_TESTS,
)
