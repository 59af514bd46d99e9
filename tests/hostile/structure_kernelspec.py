"""A submission that names another kernel (and language) in its metadata: it runs in the grader's Python
kernel all the same, and an honest solution keeps full marks.
"""

from __future__ import annotations

from hostile.corpus import TOY_TESTS, Case, notebook_metadata

CASE = Case(
    attack="ask for a different kernel, hoping for one without the sandbox",
    edits=(
        notebook_metadata(
            kernelspec={"name": "bash", "display_name": "Bash", "language": "bash"},
            language_info={"name": "bash"},
        ),
    ),
    max_score=7,
    must_pass=TOY_TESTS,
)
