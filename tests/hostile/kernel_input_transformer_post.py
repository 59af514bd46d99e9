"""A student cell registers an IPython input transformer that turns every later cell into `pass`.

IPython passes each cell's text through `input_transformers_post` before
compiling it, so a transformer added by the student decides what the
instructor's test cells (hidden ones included) actually execute.
"""

from __future__ import annotations

from hostile.corpus import TOY_TESTS, Case, insert

CODE = r'''
def _no_tests(lines):
    return lines if any(line.startswith("def ") for line in lines) else ["pass\n"]  # all but definitions

get_ipython().input_transformers_post.append(_no_tests)
'''

CASE = Case(
    attack="empty every cell but the student's definitions before IPython compiles it",
    start="release",
    edits=(insert("setup", CODE),),
    max_score=0,
    must_fail=TOY_TESTS,
)
