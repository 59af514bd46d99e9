"""Overriding `showtraceback` hides a failure's traceback, not the failure itself.

The reply's status comes from the cell's result, not from what was displayed.
"""

from __future__ import annotations

from hostile.corpus import TOY_TESTS, Case, insert

CODE = r'''
shell = get_ipython()
shell.showtraceback = lambda *args, **kwargs: None
shell._showtraceback = lambda *args, **kwargs: None
'''

CASE = Case(
    attack="silence every traceback, hoping a silent failure counts as a pass",
    start="release",
    edits=(insert("setup", CODE),),
    max_score=0,
    must_fail=TOY_TESTS,
)
