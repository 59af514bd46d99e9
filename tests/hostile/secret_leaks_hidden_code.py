"""A `pre_run_cell` hook records the code of every cell the kernel runs; a later answer returns it,
reversed, in its error.

Line-by-line redaction recognises hidden lines, not an encoded copy of them: what keeps the hidden tests'
checks secret is that they never reach the kernel. (The `checks.student()` blocks do, by design: they are
the calls into the student's code.)
"""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, MEAN_TESTS, SHOUT_TESTS, Case, answer

RECORD = r'''
_seen = []

def _record(info):
    _seen.append(info.raw_cell or "")

get_ipython().events.register("pre_run_cell", _record)

def add(a: int, b: int) -> int:
    return a + b
'''

LEAK = r'''
def shout(text: str) -> str:
    raise ValueError("".join(_seen)[::-1])
'''

CASE = Case(
    attack="smuggle the code of every cell the kernel ran out in an error message, reversed",
    edits=(answer("add", RECORD), answer("shout", LEAK)),
    max_score=5,
    must_fail=SHOUT_TESTS,
    must_pass=ADD_TESTS + MEAN_TESTS,
    # The hidden tests' own lines (tests/notebooks.py): how inputs are drawn, and the checks.
    never_shown=tuple(line[::-1] for line in (
        "_rng = random.Random(checks.seed(1))",
        "assert _sum == _a + _b, f'add({_a}, {_b}) should be {_a + _b}'",
        "assert math.isclose(_mean, math.fsum(_xs) / len(_xs)), 'mean of a longer list is wrong'",
        "_words = [''.join(_rng.choices('katas', k=_rng.randint(1, 6))) for _ in range(5)]",
    )),
)
