"""Renderers of the one result model: results.json, Gradescope's results, HTML feedback."""

from __future__ import annotations

from pathlib import Path

from nbformat import NotebookNode

from ..files import write_atomic
from ..results import Result
from . import gradescope, html

RESULTS_JSON = "results.json"
GRADESCOPE_JSON = "gradescope.json"
FEEDBACK_HTML = "feedback.html"


def write_all(result: Result, out_dir: Path, *, executed: dict[str, NotebookNode] | None = None) -> list[Path]:
    """Write every student-facing artifact into `out_dir`; results.json last, so its presence means done."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (
        (FEEDBACK_HTML, html.render(result, executed or {})),
        (GRADESCOPE_JSON, gradescope.render(result)),
        (RESULTS_JSON, result.to_json()),
    ):
        write_atomic(out_dir / name, text)
        written.append(out_dir / name)
    return written
