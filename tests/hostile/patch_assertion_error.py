"""Replacing `AssertionError` (in builtins and the notebook) with a harmless class.

The `assert` statement raises the interpreter's own AssertionError whatever the
name is bound to, and any exception fails a test.
"""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, Case, answer

CODE = r'''
import builtins

class AssertionError(Exception):
    pass

builtins.AssertionError = AssertionError

def add(a: int, b: int) -> int:
    return 0
'''

CASE = Case(
    attack="a wrong add, and AssertionError rebound to a class of the student's",
    edits=(answer("add", CODE),),
    max_score=4,
    must_fail=ADD_TESTS,
    messages={"test_add": "AssertionError: add(1, 2) should be 3"},
)
