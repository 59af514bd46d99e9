"""Course invariants, over every assignment in source/: graded with the real batch grader.

For each assignment one batch grades: the reference solution twice, the
untouched release, and every wrong solution under tests/course/wrong/. Then:
the reference scores full marks within the time budget and the same twice, the
release scores zero, and each wrong solution loses every test it names.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import REPO, run_cli
from wrong import WrongSolution, all_wrong
from autograder import cells
from autograder.course import Course

# The first test of an assignment grades its whole batch (reference, release, every wrong solution).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
ASSIGNMENTS = Course.locate(REPO).assignment_ids()
MIN_WRONG = 8
MIN_EXERCISES = 6


def _with_cell(notebook: nbformat.NotebookNode, gid: str, code: str) -> nbformat.NotebookNode:
    copy = nbformat.reads(nbformat.writes(notebook), as_version=4)
    matches = [c for c in copy.cells if cells.grade_id(c) == gid and cells.is_answer(c)]
    assert matches, f"no answer cell {gid!r}"
    matches[0].source = code
    return copy


class Batches:
    """assignment -> student -> results.json, one batch per assignment, graded on first use."""

    def __init__(self, course: Course, root: Path) -> None:
        self.course, self.root = course, root
        self.results: dict[str, dict[str, dict]] = {}
        self.logs: dict[str, str] = {}  # what each batch printed on stderr (a grader failure's traceback)

    def __call__(self, assignment: str) -> dict[str, dict]:
        if assignment not in self.results:
            self.results[assignment] = self._grade(assignment)
        return self.results[assignment]

    def explain(self, assignment: str, student: str) -> str:
        """A result's status and message, and its batch's log: what a failing assertion should show."""
        result = self(assignment)[student]
        return (f"{student}'s result: {result['status']}, {result['message']!r}; "
                f"the batch's log: {self.logs[assignment][-3000:]!r}")

    def _grade(self, assignment: str) -> dict[str, dict]:
        course = self.course
        entry = course.entry(assignment)
        course_dir = self.root / assignment
        course_dir.mkdir()
        shutil.copyfile(course.config_file, course_dir / "nbgrader_config.py")
        shutil.copytree(course.source / assignment, course_dir / "source" / assignment)
        shutil.copytree(course.release / assignment, course_dir / "release" / assignment)
        for student, folder in (("reference", course.solutions), ("reference_again", course.solutions),
                                ("release", course.release)):
            shutil.copytree(folder / assignment, course_dir / "submitted" / student / assignment)
        for wrong in all_wrong(assignment):
            reference = nbformat.read(course.solutions / assignment / wrong.notebook, as_version=4)
            target = course_dir / "submitted" / f"wrong-{wrong.name}" / assignment
            target.mkdir(parents=True)
            for name in entry.notebooks:
                shutil.copyfile(course.solutions / assignment / name, target / name)
            nbformat.write(_with_cell(reference, wrong.cell, wrong.code), target / wrong.notebook)
        done = run_cli("autograde", assignment, "--course", str(course_dir), "--jobs", "2", "--quiet",
                       cwd=course_dir, timeout=1500)
        assert done.returncode == 0, done.stderr
        self.logs[assignment] = done.stderr
        return {
            p.parent.parent.name: json.loads(p.read_text())
            for p in (course_dir / "autograded").glob(f"*/{assignment}/results.json")
        }


@pytest.fixture(scope="module")
def graded(course: Course, tmp_path_factory: pytest.TempPathFactory) -> Batches:
    return Batches(course, tmp_path_factory.mktemp("course-batches"))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_scores_full_marks_within_budget(assignment: str, graded, course: Course) -> None:
    result = graded(assignment)["reference"]
    failing = [(t["name"], t["message"]) for t in result["tests"] if t["status"] != "pass"]
    assert not failing and result["score"] == result["max_score"] > 0, (failing, graded.explain(assignment, "reference"))
    budget = course.entry(assignment).time_budget_s
    assert result["duration_s"] <= budget, f"took {result['duration_s']} s, over its {budget} s budget"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_two_runs_give_identical_scores(assignment: str, graded) -> None:
    first, second = graded(assignment)["reference"], graded(assignment)["reference_again"]
    assert [(t["name"], t["score"]) for t in first["tests"]] == [(t["name"], t["score"]) for t in second["tests"]]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_untouched_release_scores_zero(assignment: str, graded) -> None:
    result = graded(assignment)["release"]
    assert result["status"] == "fail" and result["score"] == 0
    passing = [t["name"] for t in result["tests"] if t["status"] == "pass"]
    assert not passing, f"tests that pass on the stubs: {passing}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_wrong_solution_loses_its_tests(assignment: str, graded) -> None:
    results = graded(assignment)
    survivors = []
    for wrong in all_wrong(assignment):
        result = results[f"wrong-{wrong.name}"]
        tests = {t["name"]: t for t in result["tests"]}
        unknown = [name for name in wrong.loses if name not in tests]
        assert not unknown, (f"{wrong.name}: names tests that do not exist: {unknown} "
                             f"({graded.explain(assignment, f'wrong-{wrong.name}')})")
        kept = [name for name in wrong.loses if tests[name]["score"] > 0]
        if kept:
            survivors.append(f"{wrong.name} ({wrong.why}) still earns {kept}")
    assert not survivors, "\n".join(survivors)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_assignment_shape(assignment: str, course: Course) -> None:
    wrong: list[WrongSolution] = all_wrong(assignment)
    assert len(wrong) >= MIN_WRONG, f"{assignment} has {len(wrong)} wrong solutions; at least {MIN_WRONG} expected"
    exercises = [
        c for path in course.source_notebooks(assignment)
        for c in nbformat.read(path, as_version=4).cells if cells.is_autograded_answer(c)
    ]
    assert len(exercises) >= MIN_EXERCISES


def test_course_has_at_least_thirty_exercises(course: Course) -> None:
    total = sum(
        cells.is_autograded_answer(c)
        for assignment in ASSIGNMENTS
        for path in course.source_notebooks(assignment)
        for c in nbformat.read(path, as_version=4).cells
    )
    assert total >= 30


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_passes_as_plain_nbgrader_runs_it(assignment: str, course: Course) -> None:
    """nbgrader compatibility: the source notebooks (reference answers, hidden tests) run top to bottom in a plain
    kernel, every test in the student's kernel, `checks.student()` doing nothing and `checks.seed(n)` giving n."""
    for path in course.source_notebooks(assignment):
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(notebook, kernel_name="python3", timeout=300, allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        errors = [(cells.grade_id(cell), output["ename"], output["evalue"])
                  for cell in notebook.cells if cell.cell_type == "code"
                  for output in cell.outputs if output["output_type"] == "error"]
        assert not errors, f"{path.name}: {errors}"
