"""Publishing one submission's files: whole or not at all, and a second run of the same job changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder.batch import MARKER, STAGING, Job, finished, publish, sweep
from autograder.results import Result, Status, TestResult


def _job(tmp_path: Path, fingerprint: str = "f1") -> Job:
    submitted = tmp_path / "submitted" / "ada" / "toy"
    submitted.mkdir(parents=True, exist_ok=True)
    (submitted / "timestamp.txt").write_text("2026-03-01 09:00:00.000000 UTC")
    return Job(student="ada", assignment="toy", submitted=submitted,
               autograded=tmp_path / "autograded" / "ada" / "toy", feedback=tmp_path / "feedback" / "ada" / "toy",
               fingerprint=fingerprint)


def _result(score: float) -> Result:
    test = TestResult(name="test_add", notebook="toy.ipynb", status=Status.PASS if score else Status.FAIL,
                      score=score, max_score=1.0, message="", hidden=False)
    return Result.from_tests(assignment="toy", tests=[test], student="ada")


def test_a_published_job_is_finished_with_everything_in_place(tmp_path: Path) -> None:
    job = _job(tmp_path)
    assert finished(job) is None
    assert publish(job, _result(1.0), {}) == _result(1.0)
    assert finished(job) == _result(1.0)
    assert json.loads((job.autograded / MARKER).read_text()) == {"fingerprint": "f1"}
    assert (job.autograded / "timestamp.txt").is_file()
    assert (job.feedback / "results.json").is_file()
    assert [p.name for p in job.autograded.parent.iterdir()] == ["toy"], "staging folders left behind"


def test_a_second_run_of_a_finished_job_keeps_the_first_result_and_marker(tmp_path: Path) -> None:
    # A worker that died after its marker, its task run again elsewhere: the first result stands.
    job = _job(tmp_path)
    publish(job, _result(1.0), {})
    marker = (job.autograded / MARKER).stat()
    assert publish(job, _result(0.0), {}) == _result(1.0)
    again = (job.autograded / MARKER).stat()
    assert (again.st_ino, again.st_mtime_ns) == (marker.st_ino, marker.st_mtime_ns)


def test_new_inputs_replace_an_older_grading(tmp_path: Path) -> None:
    publish(_job(tmp_path, "f1"), _result(1.0), {})
    changed = _job(tmp_path, "f2")
    assert finished(changed) is None
    publish(changed, _result(0.0), {})
    assert finished(changed) == _result(0.0)
    assert [p.name for p in changed.autograded.parent.iterdir()] == ["toy"]


@pytest.mark.parametrize("leftover", [f"{STAGING}toy.abc123", f"{STAGING}toy.abc123.old"])
def test_sweep_removes_what_a_killed_worker_left(tmp_path: Path, leftover: str) -> None:
    job = _job(tmp_path)
    half = job.autograded.parent / leftover
    half.mkdir(parents=True)
    (half / "toy.ipynb").write_text("{")
    sweep(job)
    assert not half.exists()
    assert finished(job) is None
