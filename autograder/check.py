"""`autograder check`: a student's or self-learner's local check, in the same sandbox as the grader.

With only the released notebooks, the visible tests run and hidden test cells
are reported as graded later. Where the instructor's source/ is present (a
self-learner with the whole course), the hidden tests run too: their verdicts
and messages are shown, never their code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import cells
from .course import Course
from .errors import UsageError
from .grade import judge_notebook
from .read import read_submission
from .results import Status, TestResult
from .settings import Limits


@dataclass(frozen=True)
class Exercise:
    """One answer cell and the verdicts of the tests after it."""

    name: str
    tests: list[TestResult]

    @property
    def verdict(self) -> str:
        if not self.tests:
            return "no tests"
        if all(t.status is Status.PASS for t in self.tests):
            return "passed"
        if any("not attempted" in t.message for t in self.tests):
            return "not attempted"
        return "failed"

    @property
    def message(self) -> str:
        return next((t.message for t in self.tests if t.status is not Status.PASS), "")


@dataclass(frozen=True)
class Check:
    assignment: str
    notebook: str
    exercises: list[Exercise]
    hidden_ran: bool
    stopped: str | None

    @property
    def tests(self) -> list[TestResult]:
        return [t for e in self.exercises for t in e.tests]


def identify(course: Course, notebook_path: Path) -> tuple[str, str]:
    """(assignment, notebook name) of a student's notebook: by its folder, else by its grade ids."""
    submitted = read_submission(notebook_path)
    ids = {cells.grade_id(c) for c in submitted.cells if cells.grade_id(c)}
    best: tuple[int, str, str] | None = None
    for entry in course.catalog_entries():
        assignment = entry.id
        for name in entry.notebooks:
            if notebook_path.parent.name == assignment and notebook_path.name == name:
                return assignment, name
            release = course.release / assignment / name
            if release.is_file():
                known = {cells.grade_id(c) for c in nbformat.read(release, as_version=4).cells if cells.grade_id(c)}
                overlap = len(ids & known)
                if overlap and (best is None or overlap > best[0]):
                    best = (overlap, assignment, name)
    if best is None:
        raise UsageError(f"{notebook_path} does not look like any assignment of this course; pass --assignment")
    return best[1], best[2]


def check(*, course: Course, notebook_path: Path, assignment: str | None = None, limits: Limits | None = None) -> Check:
    """Run the notebook's tests in the sandbox and group the verdicts by exercise."""
    if assignment is None:
        assignment, name = identify(course, notebook_path)
    else:
        notebooks = course.entry(assignment).notebooks
        name = notebook_path.name if notebook_path.name in notebooks else notebooks[0]
    release = nbformat.read(course.release / assignment / name, as_version=4)
    source_path = course.source / assignment / name
    hidden_ran = source_path.is_file()
    authority = nbformat.read(source_path, as_version=4) if hidden_ran else release
    judged = judge_notebook(name=name, authority=authority, release=release,
                            submitted=read_submission(notebook_path), limits=limits or Limits())
    verdicts = iter(judged.tests)
    exercises: list[Exercise] = []
    current: Exercise | None = None
    for cell in judged.restored.notebook.cells:
        if cells.is_autograded_answer(cell):
            current = Exercise(name=cells.grade_id(cell) or "exercise", tests=[])
            exercises.append(current)
        elif cells.is_test(cell):
            verdict = next(verdicts)
            # Without source/, a hidden-only cell is empty here: it is graded later, not passed now.
            if not hidden_ran and not cells.has_visible_code(cell.source):
                continue
            if current is not None:
                current.tests.append(verdict)
    return Check(assignment=assignment, notebook=name, exercises=exercises, hidden_ran=hidden_ran,
                 stopped=judged.outcome.stopped)


def render(result: Check) -> str:
    """The table a person reads in a terminal."""
    lines = [f"{result.assignment} / {result.notebook}"]
    width = max((len(e.name) for e in result.exercises), default=8)
    for exercise in result.exercises:
        score = sum(t.score for t in exercise.tests)
        total = sum(t.max_score for t in exercise.tests)
        line = f"  {exercise.name.ljust(width)}  {exercise.verdict:13}  {score:g}/{total:g}"
        if exercise.verdict in {"failed", "not attempted"} and exercise.message:
            line += f"  {exercise.message}"
        lines.append(line)
    visible = [t for t in result.tests if not t.hidden]
    lines.append(f"visible tests: {sum(t.score for t in visible):g} / {sum(t.max_score for t in visible):g}")
    if result.hidden_ran:
        hidden = [t for t in result.tests if t.hidden]
        lines.append(f"hidden tests: {sum(t.score for t in hidden):g} / {sum(t.max_score for t in hidden):g}")
    else:
        lines.append("hidden tests: run when your notebook is graded")
    if result.stopped:
        lines.append(f"note: {result.stopped}")
    return "\n".join(lines)
