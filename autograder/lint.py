"""Rules every source notebook must keep, each problem naming its notebook and cell."""

from __future__ import annotations

import ast
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import cells
from .blocks import SplitError, global_names, split
from .course import Course


# Names IPython itself keeps rebinding in a kernel (input and output history).
IPYTHON_NAMES = re.compile(r"_{1,3}|_i{1,3}|_i?\d+|_ih|_oh|_dh|In|Out")


@dataclass(frozen=True)
class Problem:
    """One broken rule, located precisely enough to fix without searching."""

    notebook: str
    cell: str
    message: str

    def __str__(self) -> str:
        return f"{self.notebook}: {self.cell}: {self.message}"


def _cell_label(index: int, cell: nbformat.NotebookNode) -> str:
    gid = cells.grade_id(cell)
    return f"cell {index + 1} ({gid!r})" if gid else f"cell {index + 1}"


def lint_notebook(path: Path, *, display_path: str) -> list[Problem]:
    """Problems in one source notebook."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as error:  # any parse failure is the author's to fix
        return [Problem(display_path, "notebook", f"cannot be read as a notebook: {error}")]
    problems: list[Problem] = []

    def report(label: str, message: str) -> None:
        problems.append(Problem(display_path, label, message))

    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != "python3":
        report("metadata", f"kernelspec is {kernel!r}; set it to 'python3' so every grader runs the same kernel")

    ids = Counter(gid for cell in nb.cells if (gid := cells.grade_id(cell)))
    for gid, count in ids.items():
        if count > 1:
            report(f"grade id {gid!r}", f"is used by {count} cells; grade ids must be unique")

    answer_tests: dict[str, list[nbformat.NotebookNode]] = {}
    current_answer: str | None = None
    for index, cell in enumerate(nb.cells):
        label = _cell_label(index, cell)
        if cell.cell_type == "code":
            if cell.get("outputs") or cell.get("execution_count") is not None:
                report(label, "has stored outputs; clear them (Kernel → Restart and Clear Outputs) before committing")
            if not cells.grade_id(cell):
                report(label, "is a code cell without nbgrader metadata; make it read-only, an answer or a test")
        source = cell.source
        if source.count("### BEGIN SOLUTION") != source.count("### END SOLUTION"):
            report(label, "has unbalanced ### BEGIN SOLUTION / ### END SOLUTION markers")
        if source.count("### BEGIN HIDDEN TESTS") != source.count("### END HIDDEN TESTS"):
            report(label, "has unbalanced ### BEGIN HIDDEN TESTS / ### END HIDDEN TESTS markers")
        if cells.is_autograded_answer(cell):
            current_answer = cells.grade_id(cell) or label
            answer_tests[current_answer] = []
            if not cells.solution_regions(source):
                report(label, "is an answer cell without a ### BEGIN SOLUTION block; students would see the solution")
        elif cells.is_test(cell):
            if cells.points(cell) <= 0:
                report(label, "is a test without points; set points in the nbgrader cell metadata")
            if cells.solution_regions(source):
                report(label, "is a test cell with a ### BEGIN SOLUTION block; put solutions in answer cells")
            if current_answer is not None:
                answer_tests[current_answer].append(cell)

    problems += [Problem(display_path, label, message) for label, message in judging_problems(nb)]
    for answer, tests in answer_tests.items():
        if not any(cells.has_visible_code(t.source) for t in tests):
            report(f"answer {answer!r}", "has no visible test after it; students need one to check their work")
        if not any(cells.hidden_regions(t.source) for t in tests):
            report(f"answer {answer!r}", "has no hidden test after it; add a ### BEGIN HIDDEN TESTS block")
    return problems


def student_code_names(nb: nbformat.NotebookNode) -> frozenset[str]:
    """Names that hold code living in the student's kernel: all that answer cells bind, and the functions and
    classes read-only cells define (they may call the student's code)."""
    names: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type != "code" or cells.is_test(cell):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        if cells.is_answer(cell):
            names |= global_names(tree)[1]
        else:
            names |= {node.name for node in tree.body
                      if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    return frozenset(names)


def judging_problems(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """Tests the grader cannot judge in its own interpreter: unsplittable, or calling the student's code
    outside a `with checks.student():` block (where, in the grader, that code does not exist)."""
    code_names = student_code_names(nb)
    problems: list[tuple[str, str]] = []
    for index, cell in enumerate(nb.cells):
        if not cells.is_test(cell):
            continue
        label = _cell_label(index, cell)
        try:
            test = split(cell.source)
        except SplitError as error:
            problems.append((label, f"cannot be split for grading: {error}"))
            continue
        history = sorted({name for block in test.blocks for name in block.reads | block.writes
                          if IPYTHON_NAMES.fullmatch(name)})
        if history:
            problems.append((label, f"a `checks.student()` block uses {', '.join(history)}, which IPython rebinds "
                                    "after every cell in the kernel; choose another name"))
        outside = sorted(test.reads & code_names)
        if outside:
            problems.append((label, f"uses {', '.join(outside)} outside a `with checks.student():` block; put the "
                                    "statements that call the student's code in one (the rest of the test runs in "
                                    "the grader, where only data from the student's kernel exists)"))
    return problems


def lint_assignment(course: Course, assignment_id: str) -> list[Problem]:
    """Problems in one assignment: its catalog entry and each of its notebooks."""
    folder = f"source/{assignment_id}"
    try:
        entry = course.entry(assignment_id)
    except Exception as error:
        return [Problem(folder, "catalog", f"{error}; add it to assignments/catalog.toml with a time budget")]
    problems: list[Problem] = []
    if entry.time_budget_s <= 0:
        problems.append(Problem(folder, "catalog", "declares no time budget (time_budget_s must be > 0)"))
    present = {p.name for p in course.source_notebooks(assignment_id)}
    for missing in sorted(set(entry.notebooks) - present):
        problems.append(Problem(folder, "catalog", f"lists {missing}, which is not in {folder}"))
    for extra in sorted(present - set(entry.notebooks)):
        problems.append(Problem(folder, "catalog", f"{extra} is not listed in the catalog's notebooks"))
    for path in course.source_notebooks(assignment_id):
        problems += lint_notebook(path, display_path=f"{folder}/{path.name}")
    return problems


def lint(course: Course, assignment_ids: list[str] | None = None) -> list[Problem]:
    """Problems across the course (every assignment in source/ by default)."""
    problems: list[Problem] = []
    for assignment_id in assignment_ids or course.assignment_ids():
        problems += lint_assignment(course, assignment_id)
    return problems
