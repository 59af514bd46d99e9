"""Grading one submission: read → restore → run → judge, then one `Result` for every writer.

The steps are called in that order by `grade_notebook`, each a module of its own
that can be tested alone. Nothing a student submits can stop this function
from returning a `Result`: an unreadable notebook becomes an `error` result
with a message, a kernel that dies becomes failed and not-run tests.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from . import cells
from .course import Course
from .errors import UsageError
from .judge import judge
from .outcomes import NotebookRun
from .read import Unreadable, read_submission
from .restore import Restored, restore
from .results import Result, Status, TestResult
from .run import run_notebook
from .settings import Limits


@dataclass(frozen=True)
class AssignmentFiles:
    """The authoritative notebooks of one assignment: source (with hidden tests) and release (stubs)."""

    id: str
    source: dict[str, NotebookNode]
    release: dict[str, NotebookNode]

    @classmethod
    def load(cls, course: Course, assignment_id: str) -> AssignmentFiles:
        entry = course.entry(assignment_id)
        source: dict[str, NotebookNode] = {}
        release: dict[str, NotebookNode] = {}
        for name in entry.notebooks:
            source_path = course.source / assignment_id / name
            release_path = course.release / assignment_id / name
            if not source_path.is_file():
                raise UsageError(f"{source_path} is missing: the grader needs the instructor's source notebook")
            source[name] = nbformat.read(source_path, as_version=4)
            release[name] = (
                nbformat.read(release_path, as_version=4) if release_path.is_file() else source[name]
            )
        return cls(id=assignment_id, source=source, release=release)


@dataclass
class Graded:
    """A result, and the executed notebooks (instructor-facing: they hold hidden tests)."""

    result: Result
    executed: dict[str, NotebookNode] = field(default_factory=dict)


def submitted_notebooks(files: AssignmentFiles, submission: Path) -> dict[str, Path]:
    """Where each of the assignment's notebooks is in `submission` (a notebook file or a folder)."""
    names = list(files.source)
    if submission.is_file() or submission.suffix == ".ipynb":
        if len(names) == 1:
            return {names[0]: submission}
        return {name: submission.parent / name for name in names}
    return {name: submission / name for name in names}


def unreadable_tests(files: AssignmentFiles, name: str, message: str) -> list[TestResult]:
    """Every test of a notebook that could not be read: not run, with the reason."""
    return [
        TestResult(
            name=cells.grade_id(cell) or "test",
            notebook=name,
            status=Status.ERROR,
            score=0.0,
            max_score=cells.points(cell),
            message=f"not run: {message}",
            hidden=bool(cells.hidden_regions(cell.source)),
        )
        for cell in files.source[name].cells
        if cells.is_test(cell)
    ]


@dataclass
class Judged:
    """One notebook through restore → run → judge."""

    restored: Restored
    outcome: NotebookRun
    tests: list[TestResult]


def judge_notebook(
    *, name: str, authority: NotebookNode, release: NotebookNode, submitted: NotebookNode, limits: Limits,
    seed: int | None = None,
) -> Judged:
    """Grade a readable notebook against `authority`: the instructor's source, or the release where a student
    has nothing else (then only the visible tests run)."""
    restored = restore(source=authority, release=release, submission=submitted)
    outcome = asyncio.run(run_notebook(restored.notebook, limits=limits, seed=seed))
    tests = judge(notebook_name=name, restored=restored, outcome=outcome, source=authority)
    return Judged(restored=restored, outcome=outcome, tests=tests)


def grade_notebook(
    *, files: AssignmentFiles, name: str, path: Path, limits: Limits, seed: int
) -> tuple[list[TestResult], NotebookNode | None, str]:
    """Tests of one notebook, its executed form, and a note for people ('' when all ran)."""
    try:
        submitted = read_submission(path)
    except Unreadable as problem:
        return unreadable_tests(files, name, str(problem)), None, str(problem)
    judged = judge_notebook(name=name, authority=files.source[name], release=files.release[name],
                            submitted=submitted, limits=limits, seed=seed)
    note = f"{name}: {judged.outcome.stopped}" if judged.outcome.stopped else ""
    return judged.tests, judged.outcome.notebook, note


def grade_submission(
    *, files: AssignmentFiles, submission: Path, limits: Limits | None = None, student: str | None = None,
    seed: int | None = None,
) -> Graded:
    """Grade every notebook of the assignment found in `submission`; hidden tests draw from `seed` (default: new)."""
    started = time.monotonic()
    limits = limits or Limits()
    seed = secrets.randbits(32) if seed is None else seed
    tests: list[TestResult] = []
    executed: dict[str, NotebookNode] = {}
    notes: list[str] = []
    for name, path in submitted_notebooks(files, submission).items():
        notebook_tests, notebook, note = grade_notebook(files=files, name=name, path=path, limits=limits, seed=seed)
        tests += notebook_tests
        if notebook is not None:
            executed[name] = notebook
        if note:
            notes.append(note)
    result = Result.from_tests(
        assignment=files.id, tests=tests, message="; ".join(notes), student=student,
        duration_s=time.monotonic() - started, seed=seed,
    )
    return Graded(result=result, executed=executed)
