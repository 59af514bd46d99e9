"""The tests of a wrong answer turned into Markdown cells, so they would not run: restore keeps them code."""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, WRONG_ADD, Case, answer, to_markdown

CASE = Case(
    attack="turn the tests of a wrong answer into Markdown",
    edits=(answer("add", WRONG_ADD), to_markdown(*ADD_TESTS)),
    max_score=4,
    must_fail=ADD_TESTS,
)
