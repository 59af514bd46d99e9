"""Forged nbgrader metadata: a test cell relabelled as an answer (and emptied), and a new cell that
claims to be a 50-point test that always passes.
"""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, WRONG_ADD, Case, answer, insert, metadata

BONUS = {"grade": True, "grade_id": "bonus", "locked": True, "points": 50, "schema_version": 3,
         "solution": False, "task": False}

CASE = Case(
    attack="relabel a test as an answer cell, and invent a test of one's own",
    edits=(
        answer("add", WRONG_ADD),
        answer("test_add", "pass"),
        metadata("test_add", solution=True, grade=False, locked=False),
        insert("test_shout_hidden", "assert True", nbgrader=BONUS),
    ),
    max_score=4,
    must_fail=ADD_TESTS,
)
