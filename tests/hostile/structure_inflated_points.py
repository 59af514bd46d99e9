"""Points raised in the cells' metadata (tests and an answer cell made graded): the source's points count."""

from __future__ import annotations

from hostile.corpus import TOY_TESTS, Case, metadata

CASE = Case(
    attack="give passing tests 100 points each and make an answer cell worth 50",
    edits=(
        metadata("test_shout", points=100),
        metadata("test_shout_hidden", points=100),
        metadata("shout", grade=True, points=50),
    ),
    max_score=7,
    must_pass=TOY_TESTS,
)
