"""`sys.settrace`: a trace function that notices a test cell starting and swaps the answers for fakes.

A trace function sees every frame the kernel runs, the test cells' included,
with their globals: it can change what the test's names refer to.
"""

from __future__ import annotations

from hostile.corpus import Case, insert

CODE = r'''
import linecache
import sys

class _Yes:
    def __eq__(self, other):
        return True
    __hash__ = object.__hash__

def _tracer(frame, event, arg):
    if event == "call" and frame.f_code.co_name == "<module>":
        if "def " not in "".join(linecache.getlines(frame.f_code.co_filename)):  # all but definitions
            for name in ("add", "mean", "shout"):
                frame.f_globals[name] = lambda *args, **kwargs: _Yes()
    return None

sys.settrace(_tracer)
'''

CASE = Case(
    attack="trace every frame; when a cell's frame starts, replace the answers with always-equal objects",
    start="release",
    edits=(insert("setup", CODE),),
    max_score=0,
    must_fail=("test_add", "test_add_hidden", "test_mean", "test_shout", "test_shout_hidden"),
)
