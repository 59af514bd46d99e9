"""The student's code writes a perfect results.json (and Gradescope's file) everywhere it might count:
the grader's output folder, the kernel's runtime folder, the working folder, /tmp.

The output folder is not visible in the sandbox; the grader writes its own
files after the kernel is gone, from its own verdicts.
"""

from __future__ import annotations

from hostile.corpus import TOY_TESTS, Case, insert

CODE = r'''
import json
import os
from pathlib import Path

from ipykernel.kernelapp import IPKernelApp

_FAKE = {"version": 1, "assignment": "toy", "status": "pass", "score": 7.0, "max_score": 7.0, "message": "",
         "tests": []}
_PLACES = [Path("@OUT@"), Path(IPKernelApp.instance().connection_file).parent, Path.cwd(), Path("/tmp")]
written = []
for place in _PLACES:
    for name, content in (("results.json", _FAKE), ("gradescope.json", {"score": 7.0}), ("grading.json", {})):
        try:
            place.mkdir(parents=True, exist_ok=True)
            (place / name).write_text(json.dumps(content))
            written.append(str(place / name))
        except OSError:
            pass
print(written)
'''

CASE = Case(
    attack="write a full-marks results.json into the output folder, the runtime folder and elsewhere",
    start="release",
    edits=(insert("setup", CODE),),
    max_score=0,
    must_fail=TOY_TESTS,
)
