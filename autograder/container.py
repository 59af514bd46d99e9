"""The container's two front doors: Gradescope's `/autograder` layout, and `run ASSIGNMENT IN_DIR OUT_DIR`.

Platforms hand over submissions in their own shapes (a folder of uploads, a
notebook nested in a zip's folder, a notebook renamed `tensors (1).ipynb` by a
browser), so this module finds the assignment's notebooks first, then grades
them with `grade_submission` like `autograder grade` does.

Both doors always leave a results file behind, because a platform that finds
none shows students a bare "autograder failed": a submission that cannot be
read gets an `error` result saying why (exit 0, grading ran); a grader that
cannot run at all (no sandbox, an unknown assignment) gets an `error` result
whose message tells the instructor what to fix.

The entrypoint script (`autograder/docker/entrypoint.sh`) reads the paths from
environment variables and calls `main` here; Gradescope's `run_autograder`
calls that script.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from .course import Course
from .errors import AutograderError, UsageError
from .feedback import gradescope, write_all
from .files import write_atomic
from .grade import AssignmentFiles, grade_submission, unreadable_tests
from .results import Result, TestResult
from .settings import Limits
from .shutdown import before_exit

# Folders an editor, an OS or a VCS adds beside a student's notebooks: never the submission.
SKIPPED_FOLDERS = {".ipynb_checkpoints", "__MACOSX", "__pycache__", ".git"}
SANDBOX_FLAGS = (
    "run the container as root with '--cap-add SYS_ADMIN --security-opt seccomp=unconfined "
    "--security-opt apparmor=unconfined' (or '--privileged')"
)


def notebook_files(submission: Path) -> list[Path]:
    """Every plain `.ipynb` file under `submission`, shallowest first.

    Symbolic links are skipped: a link to the instructor's notebook would
    otherwise be graded as the student's own work.
    """
    if submission.is_file() and not submission.is_symlink():
        return [submission]
    found: list[Path] = []
    for folder, subfolders, files in os.walk(submission, followlinks=False):
        subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED_FOLDERS and not d.startswith("."))
        for name in files:
            path = Path(folder) / name
            if name.endswith(".ipynb") and not path.is_symlink() and path.is_file():
                found.append(path)
    return sorted(found, key=lambda p: (len(p.relative_to(submission).parts), str(p)))


def find_notebooks(submission: Path, names: Sequence[str]) -> dict[str, Path]:
    """Where each of the assignment's notebooks is in `submission`; a missing one is left out.

    A notebook is found by its name at any depth (the shallowest wins). When an
    assignment has one notebook and the submission holds exactly one notebook
    under another name, that one is it: renaming is a slip, not a wrong answer.
    """
    files = notebook_files(submission)
    found: dict[str, Path] = {}
    for name in names:
        matches = [path for path in files if path.name == name]
        if matches:
            found[name] = matches[0]
    if len(names) == 1 and not found and len(files) == 1:
        found[names[0]] = files[0]
    return found


def stage(found: dict[str, Path], folder: Path) -> Path:
    """A folder holding the found notebooks under their catalog names (links to the originals)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in found.items():
        (folder / name).symlink_to(path.resolve())
    return folder


def infer_assignment(course: Course, submission: Path) -> str:
    """The one catalog assignment whose notebook names appear in `submission`."""
    present = {path.name for path in notebook_files(submission)}
    matches = [entry.id for entry in course.catalog_entries() if present & set(entry.notebooks)]
    if len(matches) != 1:
        seen = ", ".join(sorted(present)) or "no notebook"
        raise UsageError(
            f"cannot tell which assignment this submission is for (it holds {seen}); "
            "name it (AUTOGRADER_ASSIGNMENT in the container)"
        )
    return matches[0]


def check_sandbox() -> None:
    """Fail early, with the fix, when bubblewrap cannot create the namespaces the sandbox needs.

    Inside a container without the right privileges every kernel would fail to
    start, and every test would read "kernel died": the real cause belongs in
    one clear message to the instructor instead.
    """
    if shutil.which("bwrap") is None:
        raise AutograderError("bubblewrap (bwrap) is not installed in this image; install it to grade")
    probe = ["bwrap", "--ro-bind", "/", "/", "--unshare-pid", "--unshare-net", "--unshare-ipc",
             "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    if os.geteuid() != 0:
        probe.append("--unshare-user")
    done = subprocess.run([*probe, "true"], capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        raise AutograderError(
            f"the grading sandbox cannot start here (bwrap: {done.stderr.strip() or done.returncode}); "
            f"{SANDBOX_FLAGS}"
        )


def not_graded(assignment: str, files: AssignmentFiles | None, reason: str) -> Result:
    """An `error` result for a grader that could not run: every test 0 of its points, with the reason."""
    tests: list[TestResult] = []
    if files is not None:
        for name in files.source:
            tests += unreadable_tests(files, name, reason)
    return Result.from_tests(assignment=assignment or "unknown", tests=tests,
                             message=f"the autograder could not run: {reason}")


def grade_folder(
    *, course: Course, assignment: str | None, submission: Path, out_dir: Path, limits: Limits
) -> tuple[Result, bool]:
    """Grade `submission` into `out_dir` (results.json, feedback.html, gradescope.json).

    Returns the result and whether grading ran; when it could not, the result
    written is an `error` one explaining why.
    """
    files: AssignmentFiles | None = None
    assignment_id = assignment or ""
    try:
        assignment_id = assignment or infer_assignment(course, submission)
        files = AssignmentFiles.load(course, assignment_id)
        check_sandbox()
        with tempfile.TemporaryDirectory(prefix="katas-submission-") as scratch:
            staged = stage(find_notebooks(submission, list(files.source)), Path(scratch) / "submission")
            graded = grade_submission(files=files, submission=staged, limits=limits)
        write_all(graded.result, out_dir, executed=graded.executed)
        return graded.result, True
    except Exception as error:  # noqa: BLE001 - whatever broke, the platform must get a results file
        traceback.print_exc()  # for the platform's log (instructors only); the result carries the message
        result = not_graded(assignment_id, files, str(error) or type(error).__name__)
        write_all(result, out_dir)
        return result, False


def gradescope_mode(*, root: Path, course: Course, assignment: str | None, limits: Limits) -> int:
    """Gradescope: grade `root/submission`, write Gradescope's `root/results/results.json`.

    Exits 0 whenever that file was written, even for a grader failure: its
    `output` says what went wrong, and Gradescope reads the file, not the status.
    """
    with tempfile.TemporaryDirectory(prefix="katas-feedback-") as scratch:
        result, ran = grade_folder(course=course, assignment=assignment, submission=root / "submission",
                                   out_dir=Path(scratch), limits=limits)
    write_atomic(root / "results" / "results.json", gradescope.render(result))
    report(result, ran)
    return 0


def run_mode(*, course: Course, assignment: str, in_dir: Path, out_dir: Path, limits: Limits) -> int:
    """Exercism-style: grade IN_DIR into OUT_DIR; exit 0 whenever grading ran, 1 when it could not."""
    if not in_dir.exists():
        raise UsageError(f"{in_dir} does not exist: give the folder holding the submission")
    result, ran = grade_folder(course=course, assignment=assignment, submission=in_dir, out_dir=out_dir,
                               limits=limits)
    report(result, ran)
    return 0 if ran else 1


def report(result: Result, ran: bool) -> None:
    """One line for the platform's log (Gradescope keeps stdout for instructors only)."""
    verdict = f"{result.status.value}, {result.score:g} / {result.max_score:g}"
    print(f"{result.assignment}: {verdict}" + ("" if ran and not result.message else f"; {result.message}"))


def _limits(pairs: Sequence[str]) -> Limits:
    try:
        return Limits.from_pairs(list(pairs or []))
    except ValueError as error:
        raise UsageError(str(error)) from None


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m autograder.container",
                                  description="Grade inside the autograder container.")
    sub = top.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("gradescope", help="grade ROOT/submission into ROOT/results/results.json")
    p.add_argument("--root", default="/autograder", help="Gradescope's folder (default: /autograder)")
    p.add_argument("--assignment", help="assignment id (default: recognised from the notebooks' names)")
    p = sub.add_parser("run", help="grade IN_DIR into OUT_DIR (results.json, feedback.html, gradescope.json)")
    p.add_argument("assignment", help="assignment id, e.g. 00_tensors")
    p.add_argument("in_dir", help="the submission: a folder (or one notebook)")
    p.add_argument("out_dir", help="folder for the results")
    for p in sub.choices.values():
        p.add_argument("--course", required=True, help="the course root holding source/ and release/")
        p.add_argument("--limit", action="append", default=[], metavar="NAME=VALUE",
                       help="override a sandbox limit")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        course = Course(Path(args.course).resolve())
        limits = _limits(args.limit)
        if args.mode == "gradescope":
            return gradescope_mode(root=Path(args.root), course=course, assignment=args.assignment, limits=limits)
        return run_mode(course=course, assignment=args.assignment, in_dir=Path(args.in_dir),
                        out_dir=Path(args.out_dir), limits=limits)
    except UsageError as error:
        print(f"autograder: {error}", file=sys.stderr)
        return 2


def run(argv: Sequence[str] | None = None) -> int:
    """`python -m autograder.container`: `main`, then a quick exit."""
    return before_exit(main(argv))


if __name__ == "__main__":
    sys.exit(run())
