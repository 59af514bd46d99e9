"""The answer reports the names of every environment variable it can read (its own, and any process's).

The kernel's environment is built from scratch: none of the grader's variables
(here the test run's AUTOGRADER_* and PYTEST_* ones) may reach it.
"""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, Case, answer

CODE = r'''
import glob
import os

def add(a: int, b: int) -> int:
    names = set(os.environ)
    for path in glob.glob("/proc/*/environ"):
        try:
            with open(path, "rb") as handle:
                names |= {entry.split(b"=")[0].decode() for entry in handle.read().split(b"\0") if entry}
        except OSError:
            pass
    raise KeyError(" ".join(sorted(names)))
'''

CASE = Case(
    attack="print the environment of every process in sight through an error message",
    edits=(answer("add", CODE),),
    max_score=4,
    must_fail=ADD_TESTS,
    messages={"test_add": "HOME"},
    never_shown=("AUTOGRADER_CGROUP_PARENT", "PYTEST_CURRENT_TEST"),
)
