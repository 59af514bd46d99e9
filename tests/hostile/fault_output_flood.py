"""Megabytes of output on stdout, stderr and as rich display data: capped, and costing no points."""

from __future__ import annotations

from hostile.corpus import TOY_TESTS, Case, insert

CODE = r'''
import sys
from IPython.display import HTML, display

for _ in range(2000):
    print("spam" * 2500)
    print("eggs" * 2500, file=sys.stderr)
display(HTML("<b>" + "x" * 5_000_000 + "</b>"))
'''

CASE = Case(
    attack="flood every output channel",
    edits=(insert("mean", CODE),),
    max_score=7,
    must_pass=TOY_TESTS,
)
