"""Printing what a grader might parse: "All tests passed!", a results.json body, Gradescope's JSON.

Verdicts come from each cell's execute reply, never from printed text.
"""

from __future__ import annotations

from hostile.corpus import TOY_TESTS, Case, answer, insert

BANNER = r'''
import json
import sys

_FAKE = {"version": 1, "assignment": "toy", "status": "pass", "score": 7.0, "max_score": 7.0, "tests": []}

def _claim():
    print("All tests passed!")
    print(json.dumps(_FAKE))
    print(json.dumps({"score": 7.0, "tests": [{"name": "test_add", "score": 1, "status": "passed"}]}),
          file=sys.stderr)
    print("test_add: pass 1/1\ntest_add_hidden: pass 2/2")

_claim()
'''

CASE = Case(
    attack="print success banners and fake result files from the answers and while the tests run",
    start="release",
    edits=(
        insert("setup", BANNER),
        answer("add", "def add(a, b):\n    _claim()\n    return 0\n"),
        answer("mean", "def mean(xs):\n    _claim()\n    return 0\n"),
        answer("shout", "def shout(text):\n    _claim()\n    return ''\n"),
    ),
    max_score=0,
    must_fail=TOY_TESTS,
)
