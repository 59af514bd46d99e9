"""Passing tests copied, under the same grade id and under a new one with more points: counted once."""

from __future__ import annotations

from hostile.corpus import TOY_TESTS, Case, duplicate

CASE = Case(
    attack="duplicate passing test cells to be paid for them again",
    edits=(
        duplicate("test_shout"),
        duplicate("test_shout_hidden", grade_id="test_shout_again", points=50),
    ),
    max_score=7,
    must_pass=TOY_TESTS,
)
