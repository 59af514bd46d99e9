"""A `post_run_cell` hook that clears the error of every cell, so failed tests reply `ok`.

The execute reply's status is computed from the cell's `ExecutionResult` after
the hooks ran: a hook that sets `error_in_exec = None` turns a failure into success.
"""

from __future__ import annotations

from hostile.corpus import TOY_TESTS, Case, insert

CODE = r'''
def _forgive(result):
    result.error_before_exec = None
    result.error_in_exec = None

get_ipython().events.register("post_run_cell", _forgive)
'''

CASE = Case(
    attack="erase the error of every failed cell after it ran",
    start="release",
    edits=(insert("setup", CODE),),
    max_score=0,
    must_fail=TOY_TESTS,
)
