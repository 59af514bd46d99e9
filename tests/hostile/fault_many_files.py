"""Filling /tmp and the home folder with small files until the disk (or the clock) says no.

Both are private, size-capped tmpfs mounts: the cell ends (ENOSPC or its time
limit) and every exercise is still graded.
"""

from __future__ import annotations

from hostile.corpus import TOY_TESTS, Case, insert

CODE = r'''
import os

for folder in ("/tmp", os.path.expanduser("~")):
    try:
        for i in range(1_000_000):
            with open(os.path.join(folder, f"junk{i}"), "wb") as handle:
                handle.write(b"x" * 4096)
    except OSError as error:
        print(folder, "full:", error)
'''

CASE = Case(
    attack="create files of 4 KiB without end in /tmp and the home folder",
    edits=(insert("mean", CODE),),
    max_score=7,
    must_pass=TOY_TESTS,
)
