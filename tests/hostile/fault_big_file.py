"""One file grown without end, in the home folder and in /tmp: the file-size limit stops each."""

from __future__ import annotations

from hostile.corpus import TOY_TESTS, Case, insert

CODE = r'''
import os

chunk = b"x" * (1024 * 1024)
for path in (os.path.expanduser("~/big"), "/tmp/big"):
    try:
        with open(path, "wb") as handle:
            while True:
                handle.write(chunk)
    except OSError as error:
        print(path, "stopped:", error)
'''

CASE = Case(
    attack="write one file until something stops it, twice",
    edits=(insert("mean", CODE),),
    max_score=7,
    must_pass=TOY_TESTS,
)
