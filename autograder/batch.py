"""Grading many submissions, of one assignment or several, in an nbgrader course directory, in parallel.

Workers grade (each kernel in its own sandbox) and write their own submission's
files; the parent alone writes the gradebook. The workers are threads of this
process by default, sharing one warm-start template, or a Dask cluster's
(`backends`): the same `grade_job` runs on either and the parent records its
results the same way.

A submission is finished when its `grading.json` marker exists, holding a
fingerprint of the submitted files and the tests; it appears with the rest of
autograded/<student>/<assignment>/ in one rename. A batch killed midway and run
again skips finished submissions, re-records them in the gradebook (idempotent),
and grades the rest exactly once; a job run again after its worker died finds
its marker and grades nothing.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import json
import os
import shutil
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbgrader.coursedir import CourseDirectory
from tqdm import tqdm

from . import feedback, gradebook, preload, warm
from .backends import Backend, Lost, open_backend
from .build import load_nbgrader_config
from .course import Course
from .errors import UsageError
from .files import write_atomic
from .grade import AssignmentFiles, grade_submission
from .results import Result, Status
from .settings import Limits
from .trusted import JUDGE_LOCK, preimport

MARKER = "grading.json"
# Prefix of the folders a worker builds autograded/<student>/<assignment>/ in, beside it, before renaming.
STAGING = ".staging-"
SUBMISSION_METADATA = ("timestamp.txt", "submission_secret.txt")


@dataclass(frozen=True)
class Job:
    """One student's submission of one assignment, and where its outputs go."""

    student: str
    assignment: str
    submitted: Path
    autograded: Path
    feedback: Path
    fingerprint: str


@dataclass(frozen=True)
class Graded:
    student: str
    result: Result


def tests_digest(files: AssignmentFiles) -> bytes:
    """Changes when the assignment's tests (its source notebooks) change, and only then."""
    digest = hashlib.sha256()
    for name, notebook in sorted(files.source.items()):
        digest.update(name.encode() + b"\0" + nbformat.writes(notebook).encode())
    return digest.digest()


def fingerprint(submitted: Path, tests: bytes) -> str:
    """Changes when the submission or the tests (their `tests_digest`) change, and only then."""
    digest = hashlib.sha256(tests)
    for path in sorted(p for p in submitted.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(submitted)).encode() + b"\0" + path.read_bytes() + b"\0")
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


def grade_job(job: Job, assignments: Mapping[str, AssignmentFiles], limits: Limits) -> Result:
    """Worker: grade one submission, write its files, return its result; run twice, it grades once.

    The instructor's notebooks come with the call (`assignments`, by id), so a worker needs no source/
    of its own. A job runs again when its worker died under it (a broken local pool, a lost Dask worker):
    if that worker got as far as its marker, the stored result stands and nothing is rewritten.
    """
    stored = finished(job)
    if stored is not None:
        return stored
    files = assignments[job.assignment]
    assignment_id = files.id
    try:
        graded = grade_submission(files=files, submission=job.submitted, limits=limits, student=job.student)
        result, executed = graded.result, graded.executed
    except Exception as error:  # a grader bug must not lose the rest of the batch
        # The student sees one line; the instructor's log gets the whole traceback, to report the bug with.
        with JUDGE_LOCK:  # formatting a traceback parses its lines of code (see JUDGE_LOCK)
            trace = traceback.format_exc()
        print(f"autograder: the grader failed on {job.student}/{job.assignment}:\n{trace}", file=sys.stderr, flush=True)
        result = Result.from_tests(
            assignment=assignment_id, tests=[], student=job.student,
            message=f"the grader failed on this submission ({type(error).__name__}: {error}); tell your instructor",
        )
        executed = {}
    return publish(job, result, executed)


def publish(job: Job, result: Result, executed: dict[str, NotebookNode]) -> Result:
    """Write a submission's files; its autograded folder appears whole, marker included, or not at all.

    Feedback goes first (each file atomically); the autograded folder is built beside its place and
    renamed in, so a worker killed midway leaves no part of one where nbgrader or a resumed batch
    looks. If another run of the same job got there first (a worker thought dead that was not), that
    run's result stands, so a submission never ends with two different results.
    """
    feedback.write_all(result, job.feedback, executed=executed)
    job.autograded.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING}{job.autograded.name}.", dir=job.autograded.parent))
    old = staging.with_name(f"{staging.name}.old")
    try:
        for name, notebook in executed.items():
            write_atomic(staging / name, nbformat.writes(notebook))
        # nbgrader's generate_feedback and release_feedback read these from autograded/, where nbgrader autograde puts them.
        for name in SUBMISSION_METADATA:
            if (job.submitted / name).is_file():
                shutil.copyfile(job.submitted / name, staging / name)
        # `nbgrader generate_feedback --force` rebuilds feedback/ from autograded/, copying its other files: keep ours there.
        feedback.write_all(result, staging, executed=executed)
        write_atomic(staging / MARKER, json.dumps({"fingerprint": job.fingerprint}) + "\n")
        os.chmod(staging, 0o755)  # mkdtemp's 0700 would hide the folder from the instructor's other tools
        if job.autograded.exists():
            stored = finished(job)
            if stored is not None:
                return stored
            # An older grading (other inputs, or an unfinished one): out of the way first, since a
            # folder cannot be renamed over one that holds files.
            with contextlib.suppress(FileNotFoundError):
                os.rename(job.autograded, old)
        try:
            os.rename(staging, job.autograded)
        except OSError:
            stored = finished(job)
            if stored is None:
                raise
            return stored
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def sweep(job: Job) -> None:
    """Remove the staging folders a killed worker left beside the job's autograded folder."""
    for leftover in job.autograded.parent.glob(f"{STAGING}{job.autograded.name}.*"):
        shutil.rmtree(leftover, ignore_errors=True)


def plan(course: Course, coursedir: CourseDirectory, files: AssignmentFiles) -> list[Job]:
    """A job per folder submitted/<student>/<assignment>, in student order."""
    submitted_root = Path(coursedir.root) / coursedir.submitted_directory
    tests = tests_digest(files)
    jobs = []
    for folder in sorted(submitted_root.glob(f"*/{files.id}")):
        if not folder.is_dir():
            continue
        student = folder.parent.name
        jobs.append(
            Job(
                student=student,
                assignment=files.id,
                submitted=folder,
                autograded=Path(coursedir.root) / coursedir.autograded_directory / student / files.id,
                feedback=Path(coursedir.root) / coursedir.feedback_directory / student / files.id,
                fingerprint=fingerprint(folder, tests),
            )
        )
    return jobs


def autograde(
    *,
    course_root: Path,
    assignments: Sequence[str],
    jobs: int,
    scheduler: str | None = None,
    resources: dict[str, float] | None = None,
    limits: Limits | None = None,
    progress: bool = True,
    on_result: Callable[[Graded], None] | None = None,
) -> list[Graded]:
    """Grade submitted/*/ASSIGNMENT into autograded/, feedback/ and the gradebook; return every result.

    `assignments`: ids or glob patterns (`Course.select`); their submissions make one batch, returned in assignment
    then student order and graded with the assignments taking turns (`interleaved`). `jobs` threads of this
    process grade side by side, or, when `scheduler` names a Dask scheduler (tcp://HOST:PORT), that cluster's
    workers do, each submission holding `resources` of its worker.
    """
    if resources and not scheduler:
        raise UsageError("worker resources (--worker-resource) need a Dask cluster (--scheduler)")
    limits = limits or Limits()
    course = Course(course_root.resolve())
    chosen = course.select(assignments)
    config = load_nbgrader_config(course)
    coursedir = CourseDirectory(config=config)
    db_url, course_id = coursedir.db_url, coursedir.course_id
    files = {assignment_id: AssignmentFiles.load(course, assignment_id) for assignment_id in chosen}
    all_jobs: list[Job] = []
    for assignment_id in chosen:
        gradebook.ensure_assignment(course, assignment_id, db_url=db_url, course_id=course_id)
        all_jobs += plan(course, coursedir, files[assignment_id])
    if not all_jobs:
        where = Path(coursedir.root) / coursedir.submitted_directory
        raise UsageError(f"no submissions found in {where}/*/{{{','.join(chosen)}}}" if len(chosen) > 1
                         else f"no submissions found in {where}/*/{chosen[0]}")

    with gradebook.Recorder(db_url, course_id) as recorder:  # this thread alone writes the gradebook
        results: dict[Job, Result] = {}

        def keep(job: Job, result: Result) -> None:
            recorder.record(result, student=job.student, timestamp=coursedir.get_existing_timestamp(str(job.submitted)))
            results[job] = result
            if on_result is not None:
                on_result(Graded(job.student, result))

        todo = []
        for job in all_jobs:
            stored = finished(job)
            if stored is None:
                todo.append(job)
            else:
                keep(job, stored)
        with tqdm(total=len(todo), desc=f"grading {', '.join(chosen)}", unit="submission", file=sys.stderr,
                  disable=not progress or not todo) as bar:
            lost: list[Job] = []
            if todo:
                if not scheduler:
                    # Local workers are threads of this process: they share one template, and these tests' imports.
                    warm.prestart(limits, preload.for_assignments(course, chosen))
                    notebooks = [notebook for assignment in files.values() for notebook in assignment.source.values()]
                    threading.Thread(target=preimport, args=(notebooks,), name="preimport", daemon=True).start()
                    # What this process has made so far (torch, nbgrader, the gradebook's models) lasts as long as
                    # it does: frozen, the collector's full passes during the batch walk only what grading makes.
                    # Garbage goes first, or it would stay for good (this runs while the template still imports).
                    gc.collect()
                    gc.freeze()
                with contextlib.closing(open_backend(scheduler=scheduler, jobs=jobs, resources=resources)) as backend:
                    lost = grade_all(interleaved(todo), backend, files, limits, keep=keep, progress=bar)
                for job in all_jobs:
                    sweep(job)  # what this batch's killed workers left
            for job in lost:  # lost twice: record it as not gradable, keep the batch going
                result = Result.from_tests(assignment=job.assignment, tests=[], student=job.student,
                                           message="the grading process crashed twice on this submission")
                feedback.write_all(result, job.feedback)
                keep(job, result)
                bar.update()
        return [Graded(job.student, results[job]) for job in all_jobs]


def interleaved(jobs: Sequence[Job]) -> list[Job]:
    """`jobs`, each assignment's in their order, the assignments taking turns.

    Assignments spend their grading time in different places: one's tests are mostly the grader's own work,
    which its one interpreter does a thread at a time, another's mostly its kernels' (the students' training
    loops). Side by side they keep both the grader and the kernels busy; one assignment after the other, the
    grader-heavy one leaves cores idle (in `make bench`'s batch, about a core-second less idle time this way).
    """
    by_assignment: dict[str, list[Job]] = {}
    for job in jobs:
        by_assignment.setdefault(job.assignment, []).append(job)
    return [job for turn in itertools.zip_longest(*by_assignment.values()) for job in turn if job is not None]


def grade_all(
    todo: list[Job], backend: Backend, files: Mapping[str, AssignmentFiles], limits: Limits, *,
    keep: Callable[[Job, Result], None], progress: tqdm,
) -> list[Job]:
    """Grade `todo` on `backend`, handing each result to `keep` as it comes; return the jobs lost twice.

    A job whose worker died under it is graded again, once.
    """
    for job in todo:
        sweep(job)  # what a killed batch's workers left
    attempts = 0
    while todo and attempts < 2:
        attempts += 1
        lost: list[Job] = []
        for job, outcome in backend.map_unordered(grade_job, todo, (files, limits)):
            if isinstance(outcome, Lost):
                lost.append(job)  # its worker died under it; grade it again
                continue
            keep(job, outcome)
            progress.set_postfix_str(f"{job.student}/{job.assignment}")
            progress.update()
        todo = lost
    return todo


def summary(graded: list[Graded]) -> str:
    """A table, a row per submission: student, assignment, score, status, failed tests, errors."""
    rows = [("student", "assignment", "score", "status", "failed tests", "errors")]
    for item in graded:
        result = item.result
        failed = [t.name for t in result.tests if t.status is Status.FAIL]
        errors = [result.message] if result.message else sorted(
            {t.message for t in result.tests if t.status is Status.ERROR}
        )
        rows.append((
            item.student,
            result.assignment,
            f"{result.score:g}/{result.max_score:g}",
            result.status.value,
            ", ".join(failed) or "-",
            "; ".join(errors)[:160] or "-",
        ))
    aligned = len(rows[0]) - 1  # every column but the last, the errors, is padded to its widest cell
    widths = [max(len(row[i]) for row in rows) for i in range(aligned)]
    lines = []
    for row in rows:
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:aligned])) + "  " + row[aligned])
    return "\n".join(lines)
