"""What running a notebook produced, cell by cell: the record that `judge` turns into verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from nbformat import NotebookNode

CellStatus = Literal["ok", "error", "timeout", "died", "not_run"]


@dataclass
class CellRun:
    """What happened to one code cell (for a test: to the grader's run of it)."""

    status: CellStatus
    ename: str = ""
    evalue: str = ""
    traceback: list[str] = field(default_factory=list)  # the kernel's, for errors raised in the student's code
    execution_count: int | None = None


@dataclass
class NotebookRun:
    """The executed notebook (outputs capped) and each code cell's outcome, by cell index."""

    notebook: NotebookNode
    cells: dict[int, CellRun]
    stopped: str | None  # why the run ended before the last cell, for people
    duration_s: float
