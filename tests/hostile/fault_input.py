"""An answer that waits for keyboard input: stdin is closed, so it fails at once instead of hanging."""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, MEAN_TESTS, SHOUT_TESTS, Case, answer

CASE = Case(
    attack="ask the grader for the answer with input()",
    edits=(answer("add", "def add(a, b):\n    return int(input('a + b = '))\n"),),
    max_score=4,
    must_fail=ADD_TESTS,
    must_pass=MEAN_TESTS + SHOUT_TESTS,
    messages={"test_add": "StdinNotImplementedError"},
)
