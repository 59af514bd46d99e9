"""Gradescope's results.json (its autograder specification), rendered from a `Result`."""

from __future__ import annotations

import json
from typing import Any

from ..results import Result, Status


def to_dict(result: Result) -> dict[str, Any]:
    tests = []
    for number, test in enumerate(result.tests, start=1):
        tests.append(
            {
                "name": test.name if test.notebook == "" else f"{test.notebook}: {test.name}",
                "number": str(number),
                "score": test.score,
                "max_score": test.max_score,
                "status": "passed" if test.status is Status.PASS else "failed",
                "output": test.message,
                "output_format": "text",
                # Hidden tests show their verdict once grades are published, never their code.
                "visibility": "after_published" if test.hidden else "visible",
            }
        )
    return {
        "score": result.score,
        "execution_time": round(result.duration_s, 3),
        "output": result.message or f"{result.score:g} / {result.max_score:g} points",
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def render(result: Result) -> str:
    return json.dumps(to_dict(result), indent=2, ensure_ascii=False) + "\n"
