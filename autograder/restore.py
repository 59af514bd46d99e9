"""Step 2, restore: rebuild the notebook to run from the instructor's source and the student's answers.

The source notebook is the skeleton: every test, read-only and markdown cell
comes from it verbatim, hidden tests included, whatever the student deleted,
edited, duplicated or unlocked. From the submission only two things are taken:
the text of each answer cell (matched by grade id; a missing one gets the
released stub back), and code cells the student added, kept as plain code after
the cell they followed. Student metadata, points, cell types and kernelspec are
ignored.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field

from nbformat import NotebookNode
from nbformat.v4 import new_code_cell

from . import cells


@dataclass
class Restored:
    """The notebook to run, and which of its cells are the student's own code."""

    notebook: NotebookNode
    student_cells: set[int] = field(default_factory=set)  # answers and added code, by cell index
    missing_answers: list[str] = field(default_factory=list)


def restore(*, source: NotebookNode, release: NotebookNode, submission: NotebookNode) -> Restored:
    """The notebook to grade: `source`'s cells with the student's answers and extra code cells."""
    source_ids = {gid: i for i, cell in enumerate(source.cells) if (gid := cells.grade_id(cell))}
    answer_ids = {gid for gid, i in source_ids.items() if cells.is_answer(source.cells[i])}
    stubs = {cells.grade_id(c): c.source for c in release.cells if cells.grade_id(c)}

    answers: dict[str, str] = {}
    seen: set[str] = set()
    extras_after: dict[int, list[str]] = {}  # source index (-1: before everything) -> added code
    anchor = -1
    for cell in submission.cells:
        gid = cells.grade_id(cell)
        if gid in source_ids:
            if gid not in seen:  # the first cell carrying a known id is that cell
                seen.add(gid)
                anchor = source_ids[gid]
                if gid in answer_ids:
                    answers[gid] = cell.source
                continue
            if gid not in answer_ids:  # a copy of a test or read-only cell: instructor's code, skip it
                continue
        # The student's own code: added cells, later copies of an answer, cells with invented ids.
        if cell.cell_type == "code" and cell.source.strip():
            extras_after.setdefault(anchor, []).append(cell.source)

    restored = copy.deepcopy(source)
    restored.cells = []
    student_cells: set[int] = set()
    missing: list[str] = []

    def add_extras(position: int) -> None:
        for code in extras_after.get(position, []):
            student_cells.add(len(restored.cells))
            restored.cells.append(_plain_code(code))

    add_extras(-1)
    for index, original in enumerate(source.cells):
        cell = copy.deepcopy(original)
        gid = cells.grade_id(cell)
        if gid in answer_ids:
            if gid in answers:
                cell.source = answers[gid]
            else:
                cell.source = stubs.get(gid, "raise NotImplementedError()")
                missing.append(gid)
            student_cells.add(len(restored.cells))
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        restored.cells.append(cell)
        add_extras(index)
    return Restored(notebook=restored, student_cells=student_cells, missing_answers=missing)


def _plain_code(code: str) -> NotebookNode:
    cell = new_code_cell(code)
    cell.id = uuid.uuid4().hex[:8]
    return cell
