"""Step 4, judge: each test's verdict from its cell's execute reply status, never from printed text.

Messages are built from the exception's type and message plus the student's
own line of code (located through the traceback's cell numbers). Test code is
never quoted, and any hidden-test line that still turns up in a message (an
exception text that quotes it) is blanked out.
"""

from __future__ import annotations

import re

from nbformat import NotebookNode

from . import cells
from .restore import Restored
from .results import Status, TestResult
from .outcomes import CellRun, NotebookRun

ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
CELL_FRAME_RE = re.compile(r"Cell In\[(\d+)\], line (\d+)")
REDACTED = "[hidden test code]"


def hidden_lines(source: NotebookNode) -> list[str]:
    """Every non-trivial line of the hidden tests that the student's notebook does not show anyway (a hint may
    quote `with torch.inference_mode():`), longest first (so redaction takes whole lines)."""
    public = {
        line.strip()
        for cell in source.cells
        for line in cells.SOLUTION_RE.sub("", cells.without_hidden(cell.source)).splitlines()
    }
    lines = {
        line.strip()
        for cell in source.cells
        for region in cells.hidden_regions(cell.source)
        for line in region.splitlines()
        if len(line.strip()) >= 6 and not line.strip().startswith("###")
    }
    return sorted(lines - public, key=len, reverse=True)


def redact(text: str, secrets: list[str]) -> str:
    for line in secrets:
        if line in text:
            text = text.replace(line, REDACTED)
    return text


def _student_line(run: CellRun, outcome: NotebookRun, restored: Restored) -> str:
    """`in your cell 'x', line N: <code>` for the innermost traceback frame in the student's own code."""
    by_count = {c.execution_count: i for i, c in outcome.cells.items() if c.execution_count is not None}
    found = ""
    for frame in run.traceback:
        for count, line in CELL_FRAME_RE.findall(ANSI_RE.sub("", frame)):
            index = by_count.get(int(count))
            if index is None or index not in restored.student_cells:
                continue
            cell = restored.notebook.cells[index]
            code_lines = cell.source.splitlines()
            number = int(line)
            code = code_lines[number - 1].strip() if 0 < number <= len(code_lines) else ""
            where = f"cell {cells.grade_id(cell)!r}" if cells.grade_id(cell) else "a cell you added"
            found = f"in {where}, line {number}: {code}" if code else f"in {where}, line {number}"
    return found


def _failure_message(run: CellRun, outcome: NotebookRun, restored: Restored) -> str:
    if run.ename == "NotImplementedError":
        return "not attempted yet: the function still raises NotImplementedError; replace the stub with your code"
    headline = f"{run.ename}: {run.evalue}".strip().rstrip(":") if run.evalue else run.ename
    where = _student_line(run, outcome, restored)
    return f"{headline} ({where})" if where else headline


def _answer_before(index: int, restored: Restored) -> int | None:
    """The answer cell this test belongs to: the nearest one above it."""
    for i in range(index - 1, -1, -1):
        if cells.is_autograded_answer(restored.notebook.cells[i]):
            return i
    return None


def judge(*, notebook_name: str, restored: Restored, outcome: NotebookRun, source: NotebookNode) -> list[TestResult]:
    """Verdicts of every test cell, in notebook order."""
    secrets = hidden_lines(source)
    results: list[TestResult] = []
    for index, cell in enumerate(restored.notebook.cells):
        if not cells.is_test(cell):
            continue
        run = outcome.cells.get(index, CellRun("not_run"))
        max_score = cells.points(cell)
        hidden = bool(cells.hidden_regions(cell.source))
        status, message = Status.PASS, ""
        if run.status == "ok":
            pass
        elif run.status == "error":
            status, message = Status.FAIL, _failure_message(run, outcome, restored)
            answer = _answer_before(index, restored)
            answer_run = outcome.cells.get(answer) if answer is not None else None
            if answer is not None and answer_run is not None:
                name = cells.grade_id(restored.notebook.cells[answer])
                if answer_run.status == "error" and answer_run.ename != "NotImplementedError":
                    message = f"your cell {name!r} itself failed ({answer_run.ename}: {answer_run.evalue}); " + message
                elif answer_run.status == "timeout":
                    message = f"your cell {name!r} ran past its time limit and was interrupted; " + message
        elif run.status == "timeout":
            status, message = Status.FAIL, f"this test ran past its time limit: {outcome.stopped or 'timed out'}"
        elif run.status == "died":
            status, message = Status.FAIL, f"this test stopped the notebook: {outcome.stopped or 'the kernel died'}"
        else:
            status, message = Status.ERROR, f"not run: {outcome.stopped or 'an earlier cell stopped the notebook'}"
        results.append(
            TestResult(
                name=cells.grade_id(cell) or f"cell {index + 1}",
                notebook=notebook_name,
                status=status,
                score=max_score if status is Status.PASS else 0.0,
                max_score=max_score,
                message=redact(message, secrets),
                hidden=hidden,
            )
        )
    return results
