"""Allocating without end: the memory cgroup kills the kernel, and the result says why."""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, MEAN_TESTS, Case, answer

CODE = r'''
blocks = []
while True:
    blocks.append(b"x" * 50_000_000)
'''

CASE = Case(
    attack="allocate memory until something gives",
    edits=(answer("mean", CODE),),
    max_score=3,
    must_fail=MEAN_TESTS,
    must_pass=ADD_TESTS,
    messages={"test_mean": "more than the memory limit"},
)
