"""`set_custom_exc` swallowing every exception: it changes what is shown, not the reply's status."""

from __future__ import annotations

from hostile.corpus import TOY_TESTS, Case, insert

CODE = r'''
def _swallow(shell, etype, value, tb, tb_offset=None):
    return None

get_ipython().set_custom_exc((BaseException,), _swallow)
'''

CASE = Case(
    attack="a custom exception handler that swallows every error",
    start="release",
    edits=(insert("setup", CODE),),
    max_score=0,
    must_fail=TOY_TESTS,
)
