"""An nbgrader preprocessor for `nbgrader generate_feedback`: no hidden test code in the students' pages.

Why: nbgrader's ClearHiddenTests removes hidden tests from a cell's source, but
the cell's error output still holds IPython's traceback, which quotes the
failing hidden lines (and their expected values). This preprocessor runs
before ClearHiddenTests, while the hidden region is still there to recognise
the cell, and keeps only the error's name and message, the verdict our own
feedback shows. nbgrader_config.py lists it in GenerateFeedback.preprocessors.
"""

from __future__ import annotations

from typing import Any

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from . import cells


class RedactHiddenTracebacks(NbGraderPreprocessor):
    """Replace the traceback of every error output of a cell with hidden tests by one line."""

    def preprocess_cell(self, cell: NotebookNode, resources: dict[str, Any], index: int
                        ) -> tuple[NotebookNode, dict[str, Any]]:
        if cell.cell_type == "code" and cells.hidden_regions(cell.source):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources
