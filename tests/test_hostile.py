"""The red-team corpus (tests/hostile/) through the real CLI: no cheat earns a point it did not earn honestly.

Each case is graded alone with `autograder grade`; then the toy cases are graded
together with honest submissions in one `autograder autograde` batch, which must
leave the honest results exactly as they are alone.

Two kinds of failure are kept apart. A broken grader (a non-zero exit, a
results.json off its schema, tests renamed or re-pointed, processes left behind)
fails the test outright, through `pytest.fail`. A cheat that earns points fails
a plain `assert`: for the cases whose cheat beats today's engine, that failure is
expected (strict xfail, raising AssertionError only), so the suite turns red the
day the engine defeats them and the mark can go.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import nbformat
import pytest

from conftest import FAST_LIMITS, run_cli, sandbox_leftovers
from hostile import corpus
from notebooks import TOY_NOTEBOOK, with_answer
from autograder import cells
from autograder.course import Course
from autograder.judge import hidden_lines
from autograder.results import schema

pytestmark = pytest.mark.slow

CASES = corpus.load()
XFAIL_REASON = "tests run in the student's kernel: needs hidden checks judged in the grader's process"
ARTIFACTS = ("results.json", "feedback.html", "gradescope.json")
# The toy assignment imports nothing heavy: a cold kernel starts faster than a torch-laden template, and
# the batch below covers warm starts. The course's notebooks import torch in their first cell, so they
# keep warm starts and a cell limit that allows for a busy machine.
TOY_LIMITS = [*FAST_LIMITS, "start=cold"]
COURSE_LIMITS = ["cell_timeout_s=60", "interrupt_grace_s=2", "memory_mb=2048"]
NOTEBOOKS = {"toy": TOY_NOTEBOOK, "00_tensors": "tensors.ipynb"}


def _param(case: corpus.Case) -> object:
    marks = []
    if case.succeeds_today:
        marks.append(pytest.mark.xfail(strict=True, raises=AssertionError,
                                       reason=f"{XFAIL_REASON} ({case.succeeds_today})"))
    return pytest.param(case, id=case.name, marks=marks)


def _source(course: Course, assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(course.source / assignment / NOTEBOOKS[assignment], as_version=4)


def _base(course: Course, case: corpus.Case) -> nbformat.NotebookNode:
    folder = course.solutions if case.start == "solution" else course.release
    return nbformat.read(folder / case.assignment / NOTEBOOKS[case.assignment], as_version=4)


def _run_grade(course: Course, assignment: str, submission: Path, out: Path, limits: list[str]) -> dict:
    """`autograder grade`; a grader that crashes or writes no valid results fails the test outright."""
    limit_args = [arg for pair in limits for arg in ("--limit", pair)]
    done = run_cli("grade", assignment, str(submission), str(out), *limit_args, cwd=course.root)
    if done.returncode != 0:
        pytest.fail(f"the grader exited {done.returncode}: {done.stderr[-2000:]}")
    return _valid_result(out)


def _valid_result(out: Path) -> dict:
    for name in ARTIFACTS:
        if not (out / name).is_file():
            pytest.fail(f"{name} missing from {out}")
    result = json.loads((out / "results.json").read_text())
    try:
        jsonschema.validate(result, schema())
    except jsonschema.ValidationError as error:
        pytest.fail(f"results.json is off its schema: {error.message}")
    return result


def check_integrity(result: dict, source: nbformat.NotebookNode, out: Path) -> None:
    """What holds for every submission, hostile or not: the instructor's tests, points and secrets."""
    tests = [cell for cell in source.cells if cells.is_test(cell)]
    names = [cells.grade_id(cell) for cell in tests]
    if [t["name"] for t in result["tests"]] != names:
        pytest.fail(f"the graded tests are not the instructor's: {[t['name'] for t in result['tests']]}")
    if result["max_score"] != sum(cells.points(cell) for cell in tests):
        pytest.fail(f"max_score {result['max_score']} is not the instructor's")
    if result["score"] != sum(t["score"] for t in result["tests"]):
        pytest.fail("the score is not the sum of the tests' scores")
    for name in ARTIFACTS:
        text = (out / name).read_text()
        if len(text) > 200_000:
            pytest.fail(f"{name} is {len(text)} characters: output caps failed")
        leaked = [line for line in hidden_lines(source) if line in text]
        if leaked:
            pytest.fail(f"{name} quotes hidden test code: {leaked[:2]}")


def check_outcome(case: corpus.Case, result: dict, out: Path) -> None:
    """The case's own expectation: what the cheat must not have earned."""
    tests = {t["name"]: t for t in result["tests"]}
    for name in case.must_pass:  # honest verdicts first: an attack must not take them away
        assert tests[name]["status"] == "pass", f"{name} lost its honest pass: {tests[name]}"
    for name, fragment in case.messages.items():
        assert fragment in tests[name]["message"], f"{name}: {tests[name]['message']!r}"
    for name in case.must_fail:
        assert tests[name]["status"] != "pass" and tests[name]["score"] == 0, f"the cheat passed {name}"
    assert result["score"] <= case.max_score, f"scored {result['score']}, at most {case.max_score} is honest"
    for secret in case.never_shown:
        for name in ARTIFACTS:
            assert secret not in (out / name).read_text(), f"{secret!r} reached the student in {name}"


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_hostile_submission(case: corpus.Case, toy_course: Course, course: Course, tmp_path: Path) -> None:
    target = toy_course if case.assignment == "toy" else course
    out = tmp_path / "out"
    submission = tmp_path / NOTEBOOKS[case.assignment]
    nbformat.write(corpus.build(case, course_root=target.root, base=_base(target, case), out=out), submission)
    limits = TOY_LIMITS if case.assignment == "toy" else COURSE_LIMITS
    result = _run_grade(target, case.assignment, submission, out, limits)
    check_integrity(result, _source(target, case.assignment), out)
    if sandbox_leftovers():
        pytest.fail(f"the sandbox left processes behind: {sandbox_leftovers()}")
    check_outcome(case, result, out)


def test_corpus_is_big_enough_and_described() -> None:
    assert len(CASES) >= 30
    for case in CASES:
        assert case.attack and case.edits, case.name
        assert case.must_fail or case.must_pass, f"{case.name} expects nothing of the grader"


HONEST = {
    "honest_full": lambda toy: _solution(toy),
    "honest_partly_wrong": lambda toy: with_answer(_solution(toy), "mean",
                                                   "def mean(xs):\n    return sum(xs) // len(xs)"),
    "honest_untouched": lambda toy: nbformat.read(toy.release / "toy" / TOY_NOTEBOOK, as_version=4),
}


def _solution(toy: Course) -> nbformat.NotebookNode:
    return nbformat.read(toy.solutions / "toy" / TOY_NOTEBOOK, as_version=4)


def test_batch_of_hostile_and_honest_submissions(toy_course: Course, tmp_path: Path) -> None:
    """One `autograde` batch (warm starts, two at a time): honest results as when graded alone, every
    hostile one valid, and the expectations of the cases the engine already defeats still met."""
    hostile = [case for case in CASES if case.assignment == "toy"]
    root = tmp_path / "course"
    root.mkdir()
    for name in ("nbgrader_config.py", "catalog.toml"):
        shutil.copyfile(toy_course.root / name, root / name)
    shutil.copytree(toy_course.source, root / "source")
    shutil.copytree(toy_course.release, root / "release")
    submissions: dict[str, nbformat.NotebookNode] = {name: make(toy_course) for name, make in HONEST.items()}
    for case in hostile:
        out = root / "autograded" / case.name / "toy"  # where `autograde` writes this student's results
        submissions[case.name] = corpus.build(case, course_root=root, base=_base(toy_course, case), out=out)
    for student, notebook in submissions.items():
        folder = root / "submitted" / student / "toy"
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / TOY_NOTEBOOK)

    limit_args = [arg for pair in FAST_LIMITS for arg in ("--limit", pair)]
    done = run_cli("autograde", "toy", "--course", str(root), "--jobs", "2", *limit_args, cwd=root, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]

    source = _source(toy_course, "toy")
    for student in submissions:
        out = root / "feedback" / student / "toy"
        result = _valid_result(out)
        check_integrity(result, source, out)
    for student in HONEST:
        alone = _run_grade(toy_course, "toy", root / "submitted" / student / "toy" / TOY_NOTEBOOK,
                           tmp_path / "alone" / student, TOY_LIMITS)
        in_batch = json.loads((root / "feedback" / student / "toy" / "results.json").read_text())
        assert [(t["name"], t["status"], t["score"], t["message"]) for t in in_batch["tests"]] == [
            (t["name"], t["status"], t["score"], t["message"]) for t in alone["tests"]
        ], student
    assert [json.loads((root / "feedback" / s / "toy" / "results.json").read_text())["score"] for s in HONEST] == [
        7, 6, 0]
    for case in hostile:
        if not case.succeeds_today:
            out = root / "feedback" / case.name / "toy"
            check_outcome(case, json.loads((out / "results.json").read_text()), out)
    assert sandbox_leftovers() == []
