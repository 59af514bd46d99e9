"""Batch grading in an nbgrader course directory: parallel, isolated, resumable, and nbgrader-equal."""

from __future__ import annotations

import gc
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import weakref
from collections.abc import Callable
from pathlib import Path

import jsonschema
import nbformat
import pytest
from nbgrader.api import Gradebook

from conftest import AUTOGRADER, FAST_LIMITS, grade, run_cli, sandbox_leftovers
from notebooks import TOY_NOTEBOOK, with_answer
from autograder import batch, cli
from autograder.course import Course
from autograder.grade import AssignmentFiles
from autograder.results import schema
from autograder.settings import Limits

pytestmark = pytest.mark.slow
SUBMITTED_AT = "2026-03-01 09:00:00.000000 UTC"


def _solution(toy: Course) -> nbformat.NotebookNode:
    return nbformat.read(toy.solutions / "toy" / TOY_NOTEBOOK, as_version=4)


HONEST: dict[str, Callable[[Course], nbformat.NotebookNode]] = {
    "ada": _solution,
    "ben": lambda toy: with_answer(_solution(toy), "mean", "def mean(xs):\n    return sum(xs) // len(xs)"),
    "cleo": lambda toy: nbformat.read(toy.release / "toy" / TOY_NOTEBOOK, as_version=4),
}
HOSTILE: dict[str, Callable[[Course], nbformat.NotebookNode | bytes]] = {
    "hank": lambda toy: with_answer(_solution(toy), "add",
                                    "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"),
    "ivy": lambda toy: with_answer(_solution(toy), "add", "blocks = []\nwhile True:\n    blocks.append(b'x' * 50_000_000)"),
    "jack": lambda toy: with_answer(_solution(toy), "add", "import os\nos._exit(1)"),
    "kim": lambda toy: with_answer(_solution(toy), "add",
                                   "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"),
    "lou": lambda toy: b'{"cells": [',
}


def make_course(toy: Course, root: Path, students: dict[str, Callable[[Course], nbformat.NotebookNode | bytes]]) -> Path:
    """An nbgrader course directory holding the toy assignment and these students' submissions."""
    root.mkdir(parents=True)
    for name in ("nbgrader_config.py", "catalog.toml"):
        shutil.copyfile(toy.root / name, root / name)
    shutil.copytree(toy.source, root / "source")
    shutil.copytree(toy.release, root / "release")
    for student, make in students.items():
        folder = root / "submitted" / student / "toy"
        folder.mkdir(parents=True)
        content = make(toy)
        if isinstance(content, bytes):
            (folder / TOY_NOTEBOOK).write_bytes(content)
        else:
            nbformat.write(content, folder / TOY_NOTEBOOK)
        (folder / "timestamp.txt").write_text(SUBMITTED_AT)
    return root


def autograde(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    limit_args = [arg for pair in FAST_LIMITS for arg in ("--limit", pair)]
    done = run_cli("autograde", "toy", "--course", str(root), *limit_args, *extra, cwd=root, timeout=600)
    assert done.returncode == 0, done.stderr
    return done


def results(root: Path, student: str) -> dict:
    return json.loads((root / "autograded" / student / "toy" / "results.json").read_text())


def gradebook_scores(root: Path) -> dict[str, dict[str, float]]:
    """Per student, per test cell: the auto score nbgrader's gradebook holds."""
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "pytorch-katas") as gb:
        return {
            submission.student.id: {grade.name: grade.auto_score for grade in submission.notebooks[0].grades}
            for submission in gb.find_assignment("toy").submissions
        }


def test_hostile_submissions_leave_honest_results_unchanged(toy_course: Course, tmp_path: Path) -> None:
    root = make_course(toy_course, tmp_path / "course", {**HONEST, **HOSTILE})
    done = autograde(root, "--jobs", "2")
    for student in [*HONEST, *HOSTILE]:
        assert student in done.stdout, f"{student} missing from the summary table"
        result = results(root, student)
        jsonschema.validate(result, schema())
        assert (root / "feedback" / student / "toy" / "feedback.html").is_file()
    for student in HONEST:
        alone = grade(toy_course, "toy", root / "submitted" / student / "toy" / TOY_NOTEBOOK, tmp_path / student)
        in_batch = results(root, student)
        assert [(t["name"], t["status"], t["score"]) for t in in_batch["tests"]] == [
            (t["name"], t["status"], t["score"]) for t in alone["tests"]
        ], student
    assert [results(root, s)["score"] for s in HONEST] == [7, 6, 0]
    assert results(root, "lou")["status"] == "error"
    assert all(results(root, s)["score"] == 0 for s in ("hank", "ivy", "jack", "kim"))
    scores = gradebook_scores(root)
    for student in [*HONEST, *HOSTILE]:
        assert sum(scores[student].values()) == results(root, student)["score"], student
    assert sandbox_leftovers() == []


def test_a_killed_batch_resumes_without_grading_twice(toy_course: Course, tmp_path: Path) -> None:
    students = {f"s{i}": HONEST["ada"] if i % 2 else HONEST["ben"] for i in range(6)}
    root = make_course(toy_course, tmp_path / "course", students)
    limit_args = [arg for pair in FAST_LIMITS for arg in ("--limit", pair)]
    batch = subprocess.Popen([AUTOGRADER, "autograde", "toy", "--course", str(root), "--jobs", "1", "--quiet",
                              *limit_args], cwd=root, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    markers = lambda: sorted((root / "autograded").glob("*/toy/grading.json"))  # noqa: E731
    deadline = time.monotonic() + 240
    while len(markers()) < 2 and time.monotonic() < deadline and batch.poll() is None:
        time.sleep(0.2)
    os.killpg(batch.pid, signal.SIGKILL)
    batch.wait()
    done_before = {p.parent.parent.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in markers()}
    assert 2 <= len(done_before) < len(students), "the batch should have been stopped midway"

    autograde(root, "--jobs", "2")
    for path in markers():
        student = path.parent.parent.name
        if student in done_before:
            assert (path.stat().st_ino, path.stat().st_mtime_ns) == done_before[student], f"{student} graded twice"
    assert {p.parent.parent.name for p in markers()} == set(students)
    for student, make in students.items():
        result = results(root, student)
        jsonschema.validate(result, schema())
        verdicts = [(t["name"], t["status"], t["message"]) for t in result["tests"] if t["status"] != "pass"]
        assert result["score"] == (7 if make is HONEST["ada"] else 6), (student, result["message"], verdicts)
    assert {s: sum(v.values()) for s, v in gradebook_scores(root).items()} == {
        s: results(root, s)["score"] for s in students
    }


def two_assignments(toy: Course, root: Path) -> Path:
    """A course of two assignments: toy (ada, ben) and toy2, the toy's notebooks under another id (ada, cleo)."""
    make_course(toy, root, {"ada": HONEST["ada"], "ben": HONEST["ben"]})
    with (root / "catalog.toml").open("a") as catalog:
        catalog.write((root / "catalog.toml").read_text().replace('id = "toy"', 'id = "toy2"'))
    for folder in ("source", "release"):
        shutil.copytree(root / folder / "toy", root / folder / "toy2")
    for student, make in {"ada": HONEST["ben"], "cleo": HONEST["cleo"]}.items():
        (root / "submitted" / student / "toy2").mkdir(parents=True)
        nbformat.write(make(toy), root / "submitted" / student / "toy2" / TOY_NOTEBOOK)
    return root


def test_one_command_grades_several_assignments(toy_course: Course, tmp_path: Path) -> None:
    """`autograde '*'` grades every assignment's submissions in one batch, each against its own tests."""
    root = two_assignments(toy_course, tmp_path / "course")

    bad = run_cli("autograde", "toy", "nosuch*", "--course", str(root), cwd=root)
    assert bad.returncode == 2 and "no assignment 'nosuch*'" in bad.stderr and "toy, toy2" in bad.stderr

    limit_args = [arg for pair in FAST_LIMITS for arg in ("--limit", pair)]
    done = run_cli("autograde", "*", "--course", str(root), "--jobs", "2", *limit_args, cwd=root, timeout=600)
    assert done.returncode == 0, done.stderr
    expected = {("ada", "toy"): 7, ("ben", "toy"): 6, ("ada", "toy2"): 6, ("cleo", "toy2"): 0}
    for (student, assignment), score in expected.items():
        result = json.loads((root / "autograded" / student / assignment / "results.json").read_text())
        assert (result["assignment"], result["score"]) == (assignment, score), (student, assignment)
        assert any(line.split()[:3] == [student, assignment, f"{score}/7"] for line in done.stdout.splitlines())
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "pytorch-katas") as gb:
        recorded = {(s.student.id, assignment): s.score
                    for assignment in ("toy", "toy2") for s in gb.find_assignment(assignment).submissions}
    assert recorded == expected
    assert sandbox_leftovers() == []


def test_assignments_take_turns_and_results_come_back_in_order(toy_course: Course, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The jobs go to the workers with the assignments taking turns; the results come back by assignment, then
    student, and the gradebook is the same whatever the order."""
    root = two_assignments(toy_course, tmp_path / "course")
    handed: list[tuple[str, str]] = []
    real_grade_all = batch.grade_all

    def grade_all(todo: list[batch.Job], *args: object, **kwargs: object) -> list[batch.Job]:
        handed.extend((job.student, job.assignment) for job in todo)
        return real_grade_all(todo, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "grade_all", grade_all)
    graded = batch.autograde(course_root=root, assignments=["*"], jobs=2, limits=Limits.from_pairs(FAST_LIMITS),
                             progress=False)
    assert handed == [("ada", "toy"), ("ada", "toy2"), ("ben", "toy"), ("cleo", "toy2")]
    assert [(item.student, item.result.assignment, item.result.score) for item in graded] == [
        ("ada", "toy", 7), ("ben", "toy", 6), ("ada", "toy2", 6), ("cleo", "toy2", 0)]


def test_a_batch_grades_with_what_came_before_frozen(toy_course: Course, tmp_path: Path) -> None:
    """What the grader imported before the batch (torch, nbgrader) is frozen while it grades: the collector's full
    passes walk only what grading makes. Garbage is collected first, not frozen for good."""
    root = make_course(toy_course, tmp_path / "course", {"ada": HONEST["ada"]})
    gc.unfreeze()  # whatever an earlier test left frozen in this process
    garbage = Cycle()
    garbage.itself = garbage
    collected = weakref.finalize(garbage, lambda: None)
    del garbage
    frozen_while_grading: list[int] = []
    collecting = gc.isenabled()
    gc.disable()  # only the batch's own collection may find the garbage
    try:
        graded = batch.autograde(course_root=root, assignments=["toy"], jobs=1,
                                 limits=Limits.from_pairs(FAST_LIMITS), progress=False,
                                 on_result=lambda _: frozen_while_grading.append(gc.get_freeze_count()))
    finally:
        if collecting:
            gc.enable()
    assert [item.result.score for item in graded] == [7]
    assert frozen_while_grading[0] > 10_000
    assert not collected.alive, "garbage made before the batch was frozen with the rest: it would never be collected"


@pytest.mark.parametrize("enabled", [True, False])
def test_the_command_imports_with_the_collector_off_then_freezes_what_it_imported(enabled: bool) -> None:
    """`autograder autograde` imports the grader with the collector off, collects its garbage once, freezes the rest,
    then leaves the collector as it found it."""
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    gc.unfreeze()
    try:
        with cli.importing():
            assert not gc.isenabled()
            garbage = Cycle()
            garbage.itself = garbage
            collected = weakref.finalize(garbage, lambda: None)
            kept = Cycle()
            del garbage
        assert gc.isenabled() is enabled
        assert not collected.alive, "the imports' garbage should be collected before the rest is frozen"
        assert all(tracked is not kept for generation in range(3) for tracked in gc.get_objects(generation)), (
            "what the imports made should be frozen, out of the collector's generations")
        frozen = gc.get_freeze_count()
        with pytest.raises(RuntimeError), cli.importing():
            raise RuntimeError("an import failed")
        assert gc.isenabled() is enabled
        assert gc.get_freeze_count() == frozen, "nothing is frozen after a failed import"
    finally:
        gc.unfreeze()
        (gc.enable if was else gc.disable)()


class Cycle:
    """An object that refers to itself: garbage only the cycle collector finds."""

    itself: Cycle | None = None


def test_scores_equal_nbgrader_autograde(toy_course: Course, tmp_path: Path) -> None:
    ours = make_course(toy_course, tmp_path / "ours", HONEST)
    theirs = make_course(toy_course, tmp_path / "theirs", HONEST)
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    for command in (["generate_assignment", "toy", "--force"], ["autograde", "toy", "--force"]):
        done = subprocess.run([nbgrader, *command], cwd=theirs, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
    autograde(ours)
    assert gradebook_scores(ours) == gradebook_scores(theirs)
    assert set(gradebook_scores(ours)) == set(HONEST)


def test_a_grader_bug_fails_one_submission_and_logs_its_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken_grader(**_: object) -> None:  # stands in for a bug of the grader's own: no submission can cause one
        raise KeyError("a key the grader expected")

    monkeypatch.setattr(batch, "grade_submission", broken_grader)
    submitted = tmp_path / "submitted" / "zoe" / "toy"
    submitted.mkdir(parents=True)
    job = batch.Job(student="zoe", assignment="toy", submitted=submitted, autograded=tmp_path / "autograded" / "zoe" / "toy",
                    feedback=tmp_path / "feedback" / "zoe" / "toy", fingerprint="f")
    files = AssignmentFiles(id="toy", source={}, release={})
    result = batch.grade_job(job, {"toy": files}, Limits())
    assert result.score == 0 and result.tests == []
    assert "the grader failed on this submission (KeyError" in result.message and "tell your instructor" in result.message
    assert batch.finished(job) == result, "the failure is recorded like any result, so a rerun does not repeat it"
    log = capsys.readouterr().err
    assert "autograder: the grader failed on zoe/toy:" in log
    assert "Traceback (most recent call last)" in log and "in broken_grader" in log


def test_default_jobs_follow_the_cores_this_process_may_use() -> None:
    """Two more than the cores it may run on (its CPU affinity, as a container's CPU set gives it)."""
    probe = "import os; from autograder.settings import default_jobs; os.sched_setaffinity(0, {0}); print(default_jobs())"
    printed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert printed.split() == ["3"]
