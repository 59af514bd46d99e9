"""Grading many submissions of one assignment in an nbgrader course directory, in parallel.

Workers grade (each in its own process, each kernel in its own sandbox) and
write their own submission's files; the parent alone writes the gradebook. A
submission is finished when its `grading.json` marker exists, written last and
atomically, holding a fingerprint of the submitted files and the tests: a batch
killed midway and run again skips finished submissions, re-records them in the
gradebook (idempotent), and grades the rest exactly once.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import sys
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import nbformat
from nbgrader.coursedir import CourseDirectory
from tqdm import tqdm

from . import feedback, gradebook
from .build import load_nbgrader_config
from .course import Course
from .errors import UsageError
from .files import write_atomic
from .grade import AssignmentFiles, grade_submission
from .results import Result, Status
from .settings import Limits

MARKER = "grading.json"


@dataclass(frozen=True)
class Job:
    """One student's submission and where its outputs go."""

    student: str
    submitted: Path
    autograded: Path
    feedback: Path
    fingerprint: str


@dataclass(frozen=True)
class Graded:
    student: str
    result: Result


def fingerprint(submitted: Path, files: AssignmentFiles) -> str:
    """Changes when the submission or the tests change, and only then."""
    digest = hashlib.sha256()
    for path in sorted(p for p in submitted.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(submitted)).encode() + b"\0" + path.read_bytes() + b"\0")
    for name, notebook in sorted(files.source.items()):
        digest.update(name.encode() + b"\0" + nbformat.writes(notebook).encode())
    return digest.hexdigest()


def finished(job: Job) -> Result | None:
    """The stored result of a job already graded with the same inputs, else None."""
    try:
        marker = json.loads((job.autograded / MARKER).read_text(encoding="utf-8"))
        if marker.get("fingerprint") != job.fingerprint:
            return None
        return Result.from_dict(json.loads((job.autograded / feedback.RESULTS_JSON).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError):
        return None


@functools.lru_cache(maxsize=8)
def _files(course_root: str, assignment_id: str) -> AssignmentFiles:
    return AssignmentFiles.load(Course(Path(course_root)), assignment_id)


def grade_job(course_root: str, assignment_id: str, job: Job, limits: Limits) -> Result:
    """Worker: grade one submission and write its files; the marker goes last."""
    files = _files(course_root, assignment_id)
    try:
        graded = grade_submission(files=files, submission=job.submitted, limits=limits, student=job.student)
        result, executed = graded.result, graded.executed
    except Exception as error:  # a grader bug must not lose the rest of the batch
        result = Result.from_tests(
            assignment=assignment_id, tests=[], student=job.student,
            message=f"the grader failed on this submission ({type(error).__name__}: {error}); tell your instructor",
        )
        executed = {}
    if job.autograded.exists():
        shutil.rmtree(job.autograded)
    job.autograded.mkdir(parents=True)
    for name, notebook in executed.items():
        write_atomic(job.autograded / name, nbformat.writes(notebook))
    timestamp = job.submitted / "timestamp.txt"
    if timestamp.is_file():
        shutil.copyfile(timestamp, job.autograded / "timestamp.txt")
    feedback.write_all(result, job.feedback, executed=executed)
    write_atomic(job.autograded / feedback.RESULTS_JSON, result.to_json())
    write_atomic(job.autograded / MARKER, json.dumps({"fingerprint": job.fingerprint}) + "\n")
    return result


def plan(course: Course, coursedir: CourseDirectory, files: AssignmentFiles) -> list[Job]:
    """A job per folder submitted/<student>/<assignment>, in student order."""
    submitted_root = Path(coursedir.root) / coursedir.submitted_directory
    jobs = []
    for folder in sorted(submitted_root.glob(f"*/{files.id}")):
        if not folder.is_dir():
            continue
        student = folder.parent.name
        jobs.append(
            Job(
                student=student,
                submitted=folder,
                autograded=Path(coursedir.root) / coursedir.autograded_directory / student / files.id,
                feedback=Path(coursedir.root) / coursedir.feedback_directory / student / files.id,
                fingerprint=fingerprint(folder, files),
            )
        )
    return jobs


def autograde(
    *,
    course_root: Path,
    assignment_id: str,
    jobs: int,
    limits: Limits | None = None,
    progress: bool = True,
    on_result: Callable[[Graded], None] | None = None,
) -> list[Graded]:
    """Grade submitted/*/ASSIGNMENT into autograded/, feedback/ and the gradebook; return every result."""
    limits = limits or Limits()
    course = Course(course_root.resolve())
    files = AssignmentFiles.load(course, assignment_id)
    config = load_nbgrader_config(course)
    coursedir = CourseDirectory(config=config)
    db_url, course_id = coursedir.db_url, coursedir.course_id
    gradebook.ensure_assignment(course, assignment_id, db_url=db_url, course_id=course_id)
    all_jobs = plan(course, coursedir, files)
    if not all_jobs:
        raise UsageError(f"no submissions found in {Path(coursedir.root) / coursedir.submitted_directory}/*/{assignment_id}")

    results: dict[str, Result] = {}

    def keep(job: Job, result: Result) -> None:
        gradebook.record(result, student=job.student, db_url=db_url, course_id=course_id,
                         timestamp=coursedir.get_existing_timestamp(str(job.submitted)))
        results[job.student] = result
        if on_result is not None:
            on_result(Graded(job.student, result))

    todo = []
    for job in all_jobs:
        stored = finished(job)
        if stored is None:
            todo.append(job)
        else:
            keep(job, stored)

    bar = tqdm(total=len(todo), desc=f"grading {assignment_id}", unit="submission", file=sys.stderr,
               disable=not progress or not todo)
    attempts = 0
    while todo and attempts < 2:
        attempts += 1
        broken: list[Job] = []
        with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=get_context("spawn")) as pool:
            futures: dict[Future[Result], Job] = {
                pool.submit(grade_job, str(course.root), assignment_id, job, limits): job for job in todo
            }
            for future in as_completed(futures):
                job = futures[future]
                try:
                    keep(job, future.result())
                except BrokenProcessPool:
                    broken.append(job)  # a worker died under it; grade it again in a fresh pool
                    continue
                bar.set_postfix_str(job.student)
                bar.update()
        todo = broken
    for job in todo:  # twice in a pool that broke: record it as not gradable, keep the batch going
        result = Result.from_tests(assignment=assignment_id, tests=[], student=job.student,
                                   message="the grading process crashed twice on this submission")
        feedback.write_all(result, job.feedback)
        keep(job, result)
        bar.update()
    bar.close()
    return [Graded(job.student, results[job.student]) for job in all_jobs]


def summary(graded: list[Graded]) -> str:
    """A per-student table: score, failed tests, errors."""
    rows = [("student", "score", "status", "failed tests", "errors")]
    for item in graded:
        result = item.result
        failed = [t.name for t in result.tests if t.status is Status.FAIL]
        errors = [result.message] if result.message else sorted(
            {t.message for t in result.tests if t.status is Status.ERROR}
        )
        rows.append((
            item.student,
            f"{result.score:g}/{result.max_score:g}",
            result.status.value,
            ", ".join(failed) or "-",
            "; ".join(errors)[:160] or "-",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for row in rows:
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
    return "\n".join(lines)

