"""A custom exception handler that walks up the stack to the cell's `ExecutionResult` and clears its error.

IPython records the error on the result before it calls the handler; the
handler runs in the same process and can reach that object through the frames.
"""

from __future__ import annotations

from hostile.corpus import TOY_TESTS, Case, insert

CODE = r'''
import sys

def _forgive(shell, etype, value, tb, tb_offset=None):
    frame = sys._getframe()
    while frame is not None:
        result = frame.f_locals.get("result")
        if hasattr(result, "error_in_exec"):
            result.error_in_exec = None
        frame = frame.f_back

get_ipython().set_custom_exc((BaseException,), _forgive)
'''

CASE = Case(
    attack="a custom exception handler that erases the error recorded on the running cell's result",
    start="release",
    edits=(insert("setup", CODE),),
    max_score=0,
    must_fail=TOY_TESTS,
)
