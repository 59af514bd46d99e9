"""`sys.addaudithook`: on the `exec` of each test cell's code, swap the answers for always-equal fakes.

Audit hooks cannot be removed once added and see every `exec` the kernel does.
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

def _hook(event, args):
    if event != "exec" or not args:
        return
    filename = getattr(args[0], "co_filename", "")
    if filename and "def " not in "".join(linecache.getlines(filename)):  # every cell but definitions
        namespace = get_ipython().user_ns
        for name in ("add", "mean", "shout"):
            namespace[name] = lambda *args, **kwargs: _Yes()

sys.addaudithook(_hook)
'''

CASE = Case(
    attack="an audit hook that rebinds the answers whenever a cell's code is executed",
    start="release",
    edits=(insert("setup", CODE),),
    max_score=0,
    must_fail=("test_add", "test_add_hidden", "test_mean", "test_shout", "test_shout_hidden"),
)
