"""Proof that nothing secret reached a student-facing folder.

release/ may contain neither solution code nor hidden tests. solutions/ holds
the reference code (students get it after the deadline) but never hidden tests,
which keep their value from one year to the next.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import cells
from .course import Course

MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
# Shorter lines ("return x", "pass") are too common to be evidence of anything.
MIN_SECRET_LENGTH = 12


@dataclass(frozen=True)
class Secrets:
    """The lines of an assignment's source that students must not see before grading."""

    solution_lines: frozenset[str]
    hidden_lines: frozenset[str]


@dataclass(frozen=True)
class Leak:
    path: Path
    line: str
    kind: str  # "solution" | "hidden test" | "marker"

    def __str__(self) -> str:
        return f"{self.path}: {self.kind} text leaked: {self.line[:120]!r}"


def _lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if line.strip()}


def _region_lines(regions: list[str]) -> set[str]:
    inner = set()
    for region in regions:
        inner |= {line for line in _lines(region) if not line.startswith("### ")}
    return inner


def collect_secrets(notebooks: list[Path]) -> Secrets:
    """Secret lines of these source notebooks: those inside regions and nowhere in the public text."""
    public: set[str] = set()
    solution: set[str] = set()
    hidden: set[str] = set()
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            source = cell.source
            solution |= _region_lines(cells.solution_regions(source))
            hidden |= _region_lines(cells.hidden_regions(source))
            public |= _lines(cells.HIDDEN_RE.sub("", cells.SOLUTION_RE.sub("", source)))

    def secret(lines: set[str]) -> frozenset[str]:
        return frozenset(
            line for line in lines - public if len(line) >= MIN_SECRET_LENGTH and not line.startswith("#")
        )

    return Secrets(solution_lines=secret(solution), hidden_lines=secret(hidden))


def student_visible_text(path: Path) -> str:
    """Everything a student could read in a file: for notebooks, every cell and output, decoded."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix != ".ipynb":
        return raw
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return raw
    pieces: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            pieces.append(value)
        elif isinstance(value, list):
            if all(isinstance(v, str) for v in value):
                pieces.append("".join(value))  # nbformat splits sources into lines
            else:
                for v in value:
                    walk(v)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)

    walk(data)
    return "\n".join(pieces)


def scan(folder: Path, secrets: Secrets, *, allow_solutions: bool) -> list[Leak]:
    """Leaks in every file under `folder`."""
    leaks: list[Leak] = []
    if allow_solutions:
        # A hidden test may rebuild the reference (a model's forward, say): those lines are solution code.
        forbidden = dict.fromkeys(secrets.hidden_lines - secrets.solution_lines, "hidden test")
    else:
        forbidden = dict.fromkeys(secrets.hidden_lines, "hidden test")
        forbidden.update(dict.fromkeys(secrets.solution_lines, "solution"))
    markers = MARKERS[2:] if allow_solutions else MARKERS
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = student_visible_text(path)
        for marker in markers:
            if marker in text:
                leaks.append(Leak(path, marker, "marker"))
        for line in _lines(text):
            if line in forbidden:
                leaks.append(Leak(path, line, forbidden[line]))
    return leaks


def check(
    course: Course,
    assignment_ids: list[str] | None = None,
    *,
    release_root: Path | None = None,
    solutions_root: Path | None = None,
) -> list[Leak]:
    """Leaks in release/ (no solutions, no hidden tests) and solutions/ (no hidden tests)."""
    leaks: list[Leak] = []
    for assignment_id in assignment_ids or course.assignment_ids():
        secrets = collect_secrets(course.source_notebooks(assignment_id))
        release = (release_root or course.release) / assignment_id
        solutions = (solutions_root or course.solutions) / assignment_id
        if release.is_dir():
            leaks += scan(release, secrets, allow_solutions=False)
        if solutions.is_dir():
            leaks += scan(solutions, secrets, allow_solutions=True)
    return leaks
