"""A wrong answer whose test cells were unlocked and rewritten to pass: restore runs the originals."""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, WRONG_ADD, Case, answer, metadata

CASE = Case(
    attack="unlock the tests of a wrong answer and make them trivially true",
    edits=(
        answer("add", WRONG_ADD),
        answer("test_add", "assert True"),
        answer("test_add_hidden", "### BEGIN HIDDEN TESTS\npass\n### END HIDDEN TESTS"),
        metadata("test_add", locked=False),
        metadata("test_add_hidden", locked=False),
    ),
    max_score=4,
    must_fail=ADD_TESTS,
)
