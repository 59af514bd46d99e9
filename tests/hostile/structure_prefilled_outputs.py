"""Test cells saved with outputs and execution counts that look like a clean pass: outputs are discarded
and every cell runs again.
"""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, WRONG_ADD, Case, answer, prefill

CASE = Case(
    attack="submit a wrong answer with its test cells' outputs faked to look passed",
    edits=(
        answer("add", WRONG_ADD),
        prefill("test_add", "All tests passed!\n"),
        prefill("test_add_hidden", "All tests passed!\n", execution_count=2),
    ),
    max_score=4,
    must_fail=ADD_TESTS,
)
