"""Finding the visible tests of one exercise in a released notebook, for `assignments.kata`.

Why a released notebook: it is exactly what the student was given, so a check
built from it can teach nothing the notebook does not already show. The search
never opens anything under a `source/` or `solutions/` folder (the instructor's
notebooks hold hidden tests and answers), and any hidden-test block that might
still be present is cut out before a test is run.

Where: the notebooks in the kernel's working folder first (a fetched assignment
is opened from there, so its tests match the student's version), then the
`release/` folder of the course this package belongs to (a clone of the
repository).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import catalog

HIDDEN_RE = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.M | re.S)
FORBIDDEN = frozenset({"source", "solutions"})
# A released notebook is a few hundred kilobytes; a huge file in the working folder is not one.
MAX_NOTEBOOK_BYTES = 20_000_000


@dataclass(frozen=True)
class VisibleTest:
    """One test cell as the student sees it: its grade id and its visible code."""

    name: str
    code: str


@dataclass(frozen=True)
class Found:
    """The exercise's notebook, its assignment (when known) and its visible tests, in notebook order."""

    exercise: str
    notebook: Path
    assignment: str | None
    tests: tuple[VisibleTest, ...]


def allowed(folder: Path) -> bool:
    """False for nbgrader's `source/<assignment>/` and `solutions/<assignment>/` (and those folders themselves).

    Only the last two levels count, as in nbgrader's `{source}/{assignment}/{notebook}` layout, so a course
    cloned under some unrelated folder called "source" still works.
    """
    resolved = folder.resolve()
    return not ({resolved.name, resolved.parent.name} & FORBIDDEN)


def course_release() -> Path:
    """The release/ folder next to this package, in a clone of the course."""
    return Path(__file__).resolve().parent.parent / "release"


def candidates(cwd: Path, release: Path, assignment: str | None) -> Iterator[tuple[Path, str | None]]:
    """(notebook, assignment id or None) in search order, skipping forbidden folders."""
    if allowed(cwd):
        for path in sorted(cwd.glob("*.ipynb")):
            if allowed(path.resolve().parent):  # a link into source/ is refused too
                yield path, None
    if release.is_dir() and allowed(release):
        folders = [release / assignment] if assignment else sorted(p for p in release.iterdir() if p.is_dir())
        for folder in folders:
            if not allowed(folder):
                continue
            for path in sorted(folder.glob("*.ipynb")):
                if allowed(path.resolve().parent):
                    yield path, folder.name


def _cells(path: Path) -> list[dict[str, Any]]:
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return []
    found = data.get("cells") if isinstance(data, dict) else None
    return [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []


def _nbgrader(cell: dict[str, Any]) -> dict[str, Any]:
    meta = cell.get("metadata", {})
    value = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    return value if isinstance(value, dict) else {}


def _text(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _is_answer(cell: dict[str, Any]) -> bool:
    meta = _nbgrader(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("solution")) and not meta.get("grade")


def _is_test(cell: dict[str, Any]) -> bool:
    meta = _nbgrader(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def visible_code(source: str) -> str:
    """The test cell's code without hidden blocks; empty when only comments remain."""
    code = HIDDEN_RE.sub("", source)
    meaningful = [line for line in code.splitlines() if line.strip() and not line.strip().startswith("#")]
    return code if meaningful else ""


def tests_of(cells: list[dict[str, Any]], exercise: str) -> tuple[VisibleTest, ...] | None:
    """Visible tests after answer cell `exercise`, up to the next answer cell; None when it is not here."""
    start = next((i for i, c in enumerate(cells) if _is_answer(c) and _nbgrader(c).get("grade_id") == exercise), None)
    if start is None:
        return None
    tests = []
    for cell in cells[start + 1:]:
        if _is_answer(cell):
            break
        if _is_test(cell):
            code = visible_code(_text(cell))
            if code:
                tests.append(VisibleTest(name=str(_nbgrader(cell).get("grade_id", "test")), code=code))
    return tuple(tests)


def answer_ids(cells: list[dict[str, Any]]) -> list[str]:
    return [str(_nbgrader(c).get("grade_id")) for c in cells if _is_answer(c) and _nbgrader(c).get("grade_id")]


def _assignment_of(notebook: Path, hint: str | None) -> str | None:
    """The assignment a notebook in the working folder belongs to: by its folder's name, else its file name."""
    if hint is not None:
        return hint
    try:
        entries = catalog.load()
    except (OSError, ValueError, KeyError):
        return None
    for entry in entries:
        if notebook.parent.name == entry.id:
            return entry.id
    matches = [entry.id for entry in entries if notebook.name in entry.notebooks]
    return matches[0] if len(matches) == 1 else None


def find(exercise: str, *, assignment: str | None = None, cwd: Path | None = None,
         release: Path | None = None) -> Found | None:
    """The first released notebook, in search order, with an answer cell `exercise`."""
    cwd = cwd or Path.cwd()
    release = release or course_release()
    for path, known in candidates(cwd, release, assignment):
        tests = tests_of(_cells(path), exercise)
        if tests is None:
            continue
        owner = _assignment_of(path, known)
        if assignment is not None and owner not in (None, assignment):
            continue
        return Found(exercise=exercise, notebook=path, assignment=owner or assignment, tests=tests)
    return None


def known_exercises(*, cwd: Path | None = None, release: Path | None = None) -> list[str]:
    """Every exercise name the search can see, for a helpful message after a typo."""
    names: list[str] = []
    for path, _ in candidates(cwd or Path.cwd(), release or course_release(), None):
        names += [n for n in answer_ids(_cells(path)) if n not in names]
    return names
