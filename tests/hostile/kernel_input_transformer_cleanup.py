"""The same rewrite through `input_transformers_cleanup`, the first transformers IPython applies."""

from __future__ import annotations

from hostile.corpus import TOY_TESTS, Case, insert

CODE = r'''
def _no_tests(lines):
    return lines if any(line.startswith("def ") for line in lines) else ["pass\n"]  # all but definitions

get_ipython().input_transformers_cleanup.insert(0, _no_tests)
'''

CASE = Case(
    attack="empty every cell but the student's definitions in IPython's cleanup transformers",
    start="release",
    edits=(insert("setup", CODE),),
    max_score=0,
    must_fail=TOY_TESTS,
)
