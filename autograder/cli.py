"""The `autograder` command: a thin layer over the public API; exit codes are decided here only.

Exit codes: 0 when the work ran (whatever the scores), 1 when the course itself
is broken (lint problems, leaks), 2 for usage errors.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from .errors import AutograderError, LeakError, LintError, UsageError
from .settings import Limits, default_jobs
from .shutdown import before_exit


@contextlib.contextmanager
def importing() -> Iterator[None]:
    """For the block that imports what a command runs on: the garbage collector off while it imports, since its
    full passes would walk every object imported so far, again and again (about 0.35 s of the grader's 2 s of
    imports); then one collection, and what is left frozen: it lasts as long as the command, and the collector's
    later passes need not walk it. Then the collector as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.collect()
        gc.freeze()
    finally:
        if enabled:
            gc.enable()


def _limits(pairs: list[str] | None) -> Limits:
    try:
        return Limits.from_pairs(list(pairs or []))
    except ValueError as error:
        raise UsageError(str(error)) from None


def _resources(pairs: list[str] | None) -> dict[str, float]:
    """`--worker-resource NAME=AMOUNT` pairs, as Dask takes them."""
    resources = {}
    for pair in pairs or []:
        name, _, amount = pair.partition("=")
        try:
            value: float | None = float(amount)
        except ValueError:
            value = None
        if value is None or not name.strip():
            raise UsageError(f"--worker-resource takes NAME=AMOUNT, e.g. GPU=1; got {pair!r}")
        resources[name.strip()] = value
    return resources


def cmd_lint(args: argparse.Namespace) -> int:
    from .course import Course
    from .lint import lint

    problems = lint(Course.locate(), args.assignments or None)
    for problem in problems:
        print(problem)
    if problems:
        raise LintError(f"{len(problems)} problem(s) in the source notebooks")
    print("lint: no problems")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build
    from .course import Course
    from .leaks import check
    from .lint import lint

    course = Course.locate()
    problems = lint(course, args.assignments or None)
    for problem in problems:
        print(problem)
    if problems:
        raise LintError(f"{len(problems)} problem(s) in the source notebooks; nothing was built")
    written = build(course, args.assignments or None)
    leaks = check(course, args.assignments or None)
    for leak in leaks:
        print(leak)
    if leaks:
        raise LeakError(f"{len(leaks)} leak(s) in the generated files")
    print(f"build: wrote {len(written)} notebook(s) to release/ and solutions/; no leaks")
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from .course import Course
    from .feedback import write_all
    from .grade import AssignmentFiles, grade_submission

    submission = Path(args.submission)
    if not submission.exists():
        raise UsageError(f"{submission} does not exist: give a notebook or a folder holding the notebooks")
    files = AssignmentFiles.load(Course.locate(), args.assignment)
    graded = grade_submission(files=files, submission=submission, limits=_limits(args.limit), seed=args.seed)
    out = Path(args.out_dir)
    write_all(graded.result, out, executed=graded.executed)
    result = graded.result
    print(f"{result.assignment}: {result.status.value}, {result.score:g} / {result.max_score:g} (seed {result.seed})")
    for test in result.tests:
        print(f"  {test.status.value:5}  {test.score:g}/{test.max_score:g}  {test.name}  {test.message}".rstrip())
    if result.message:
        print(f"  note: {result.message}")
    print(f"feedback: {out / 'results.json'}, {out / 'feedback.html'}, {out / 'gradescope.json'}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .check import check, render
    from .course import Course
    from .read import Unreadable

    notebook = Path(args.notebook)
    try:
        result = check(course=Course.locate(), notebook_path=notebook, assignment=args.assignment,
                       limits=_limits(args.limit))
    except Unreadable as problem:
        raise UsageError(str(problem)) from None
    print(render(result))
    return 0


def cmd_autograde(args: argparse.Namespace) -> int:
    from .course import Course

    limits = _limits(args.limit)
    course = Course(Path(args.course).resolve())
    assignments = course.select(args.assignments)
    if not args.scheduler:
        from .preload import for_assignments
        from .warm import prestart

        # The kernels' template imports torch while this process imports the grader.
        prestart(limits, for_assignments(course, assignments))
    with importing():  # as the template imports (`zygote.main`)
        from .batch import autograde, summary

    graded = autograde(course_root=course.root, assignments=assignments, jobs=args.jobs,
                       scheduler=args.scheduler, resources=_resources(args.worker_resource),
                       limits=limits, progress=not args.quiet)
    print(summary(graded))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .course import Course
    from .demo import run

    course = Course.locate()
    return run(course, target=Path(args.target) if args.target else course.root / "demo", jobs=args.jobs,
               limits=_limits(args.limit))


def cmd_gradescope(args: argparse.Namespace) -> int:
    from .course import Course
    from .gradescope_zip import build_zip

    out = Path(args.out)
    names = build_zip(course=Course.locate(), assignment_id=args.assignment, out=out)
    print(f"gradescope: wrote {out} ({len(names)} files); upload it as the assignment's autograder")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="autograder", description="Build, lint and grade the PyTorch Katas course.")
    sub = top.add_subparsers(dest="command", required=True)

    p = sub.add_parser("lint", help="check the source notebooks")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    p.set_defaults(func=cmd_lint)

    p = sub.add_parser("build", help="lint, then regenerate release/ and solutions/ from source/")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("grade", help="grade one submission into OUT_DIR (results.json, feedback.html, gradescope.json)")
    p.add_argument("assignment", help="assignment id, e.g. 00_tensors")
    p.add_argument("submission", help="a notebook, or a folder holding the assignment's notebooks")
    p.add_argument("out_dir", help="folder for the results")
    p.add_argument("--seed", type=int, help="seed for the hidden tests' inputs (default: a new one; the result "
                                            "records it, so a grading run can be repeated)")
    p.add_argument("--limit", action="append", metavar="NAME=VALUE",
                   help=f"override a sandbox limit; names: {', '.join(Limits.__dataclass_fields__)}")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("check", help="check one notebook locally: visible tests, and hidden ones where source/ is here")
    p.add_argument("notebook", help="the notebook to check")
    p.add_argument("--assignment", help="assignment id (default: recognised from the notebook)")
    p.add_argument("--limit", action="append", metavar="NAME=VALUE", help="override a sandbox limit")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("autograde", help="grade submitted/*/ASSIGNMENT of an nbgrader course, in parallel")
    p.add_argument("assignments", nargs="+", metavar="ASSIGNMENT",
                   help="assignment id, or a glob as nbgrader takes it ('*': every assignment); several make one batch")
    p.add_argument("--course", default=".", help="the nbgrader course directory (default: here)")
    p.add_argument("--jobs", type=int, default=default_jobs(), help="submissions graded at once (default: cores + 2)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="grade on this Dask scheduler's workers instead of local threads (--jobs is then unused; "
                        "workers need the grader installed and the course directory at the same path)")
    p.add_argument("--worker-resource", action="append", metavar="NAME=AMOUNT",
                   help="Dask worker resource each submission holds while graded, e.g. GPU=1 "
                        "(then only workers started with --resources GPU=1 grade it)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--limit", action="append", metavar="NAME=VALUE", help="override a sandbox limit")
    p.set_defaults(func=cmd_autograde)

    p = sub.add_parser("demo", help="grade the bundled sample submissions end to end")
    p.add_argument("--target", help="course directory to create (default: demo/ in the repository)")
    p.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: cores + 2)")
    p.add_argument("--limit", action="append", metavar="NAME=VALUE", help="override a sandbox limit")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("gradescope", help="build the autograder zip to upload to Gradescope for one assignment")
    p.add_argument("assignment", help="assignment id")
    p.add_argument("--out", default="autograder.zip", help="where to write the zip (default: autograder.zip)")
    p.set_defaults(func=cmd_gradescope)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    # nbformat imports jsonschema, which compiles RFC 3987 grammars at import (about a second) for the "iri"
    # formats if it finds their package; nothing the grader validates uses them, so let it not find it.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as error:
        print(f"autograder: {error}", file=sys.stderr)
        return 2
    except (LintError, LeakError) as error:
        print(f"autograder: {error}", file=sys.stderr)
        return 1
    except AutograderError as error:
        print(f"autograder: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("autograder: interrupted", file=sys.stderr)
        return 130


def run(argv: Sequence[str] | None = None) -> int:
    """The `autograder` command: `main`, then a quick exit."""
    return before_exit(main(argv))


if __name__ == "__main__":
    sys.exit(run())
