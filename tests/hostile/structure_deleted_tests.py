"""A wrong answer whose test cells were deleted: restore puts the instructor's tests back."""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, WRONG_ADD, Case, answer, delete

CASE = Case(
    attack="delete the tests of a wrong answer",
    edits=(answer("add", WRONG_ADD), delete(*ADD_TESTS)),
    max_score=4,
    must_fail=ADD_TESTS,
)
