"""The answer loads the reference solution (or the instructor's source) from the course folder and runs it.

The sandbox binds nothing of the course but the `assignments` package: neither
the path the student guesses nor the one next to that package exists inside.
"""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, Case, answer

CODE = r'''
import json
from pathlib import Path

import assignments

_CANDIDATES = [
    Path("@COURSE@/solutions/toy/toy.ipynb"),
    Path("@COURSE@/source/toy/toy.ipynb"),
    Path(assignments.__file__).resolve().parents[1] / "solutions" / "toy" / "toy.ipynb",
]

def add(a: int, b: int) -> int:
    for path in _CANDIDATES:
        if path.exists():
            namespace = {}
            for cell in json.loads(path.read_text())["cells"]:
                if "def add" in "".join(cell["source"]):
                    exec("".join(cell["source"]), namespace)
            return namespace["add"](a, b)
    return open(_CANDIDATES[0]).read()
'''

CASE = Case(
    attack="run the instructor's own add, read from solutions/ or source/",
    edits=(answer("add", CODE),),
    max_score=4,
    must_fail=ADD_TESTS,
    messages={"test_add": "FileNotFoundError"},
)
