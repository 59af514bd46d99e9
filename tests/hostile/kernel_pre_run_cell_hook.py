"""A `pre_run_cell` hook that swaps the answers for always-equal fakes just before each test cell runs.

The hook sees each cell's text (tests included) before it runs, so it knows when
it is being graded and can change the notebook's globals for that cell only.
"""

from __future__ import annotations

from hostile.corpus import Case, insert

CODE = r'''
class _Yes:
    def __eq__(self, other):
        return True
    __hash__ = object.__hash__

def _fake_answers(info):
    if "def " not in (info.raw_cell or ""):  # every cell but definitions
        for name in ("add", "mean", "shout"):
            globals()[name] = lambda *args, **kwargs: _Yes()

get_ipython().events.register("pre_run_cell", _fake_answers)
'''

CASE = Case(
    attack="replace the answers with objects equal to anything before every cell the grader runs",
    start="release",
    edits=(insert("setup", CODE),),
    max_score=0,
    must_fail=("test_add", "test_add_hidden", "test_mean", "test_shout", "test_shout_hidden"),
)
