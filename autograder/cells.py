"""Reading nbgrader's cell metadata: what kind of cell is this, and what are its parts."""

from __future__ import annotations

import re
from typing import Any

from nbformat import NotebookNode

SOLUTION_RE = re.compile(r"^[ \t]*### BEGIN SOLUTION.*?^[ \t]*### END SOLUTION[^\n]*\n?", re.M | re.S)
HIDDEN_RE = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.M | re.S)


def meta(cell: NotebookNode | dict[str, Any]) -> dict[str, Any]:
    """The cell's `nbgrader` metadata, or {} when it has none."""
    value = cell.get("metadata", {}).get("nbgrader", {})
    return value if isinstance(value, dict) else {}


def grade_id(cell: NotebookNode | dict[str, Any]) -> str | None:
    value = meta(cell).get("grade_id")
    return value if isinstance(value, str) and value else None


def is_test(cell: NotebookNode | dict[str, Any]) -> bool:
    """An autograder test: a graded code cell that is not an answer."""
    m = meta(cell)
    return cell.get("cell_type") == "code" and bool(m.get("grade")) and not m.get("solution")


def is_answer(cell: NotebookNode | dict[str, Any]) -> bool:
    """A cell the student writes in (autograded answer or manually graded answer)."""
    return bool(meta(cell).get("solution"))


def is_autograded_answer(cell: NotebookNode | dict[str, Any]) -> bool:
    m = meta(cell)
    return cell.get("cell_type") == "code" and bool(m.get("solution")) and not m.get("grade")


def is_locked(cell: NotebookNode | dict[str, Any]) -> bool:
    """Read-only for the student: locked cells and tests (nbgrader locks tests on release)."""
    m = meta(cell)
    return bool(m.get("locked")) or is_test(cell)


def points(cell: NotebookNode | dict[str, Any]) -> float:
    try:
        return float(meta(cell).get("points", 0) or 0)
    except (TypeError, ValueError):
        return 0.0


def solution_regions(source: str) -> list[str]:
    return [m.group(0) for m in SOLUTION_RE.finditer(source)]


def hidden_regions(source: str) -> list[str]:
    return [m.group(0) for m in HIDDEN_RE.finditer(source)]


def without_hidden(source: str) -> str:
    """The cell's source as the student sees it: hidden test blocks removed."""
    return HIDDEN_RE.sub("", source)


def has_visible_code(source: str) -> bool:
    visible = without_hidden(source)
    return any(line.strip() and not line.strip().startswith("#") for line in visible.splitlines())
