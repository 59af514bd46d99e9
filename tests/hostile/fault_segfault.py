"""A segmentation fault kills the kernel like os._exit does."""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, MEAN_TESTS, Case, answer

CODE = r'''
import ctypes
ctypes.string_at(0)
'''

CASE = Case(
    attack="crash the interpreter",
    edits=(answer("mean", CODE),),
    max_score=3,
    must_fail=MEAN_TESTS,
    must_pass=ADD_TESTS,
    messages={"test_mean": "the kernel died"},
)
