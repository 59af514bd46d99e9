"""Answers that return an object equal to anything: `==` asks the left operand, which is the student's."""

from __future__ import annotations

from hostile.corpus import TOY_TESTS, Case, answer

YES = r'''
class _Yes:
    def __eq__(self, other):
        return True
    __hash__ = object.__hash__
'''

CASE = Case(
    attack="return an always-equal object from every function",
    start="release",
    edits=(
        answer("add", YES + "\ndef add(a, b):\n    return _Yes()\n"),
        answer("mean", "def mean(xs):\n    return _Yes()\n"),
        answer("shout", "def shout(text):\n    return _Yes()\n"),
    ),
    max_score=0,
    must_fail=TOY_TESTS,
)
