"""`autograder gradescope ASSIGNMENT`: the zip Gradescope's "upload autograder" page expects.

Gradescope unpacks the zip into `/autograder/source`, runs `setup.sh` once to
build its image, then `run_autograder` per submission. The zip carries what
grading needs and nothing a student must not see reach a student: the grader
and course packages, the project's pins, nbgrader's config, and the
assignment's `source/` (its hidden tests: the grader restores them) and
`release/` notebooks. Never `solutions/`, other assignments, or caches.

The zip is deterministic (sorted entries, fixed timestamps), so rebuilding an
unchanged course gives the same bytes.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .course import Course
from .errors import UsageError

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "docker" / "gradescope"
PACKAGES = ("autograder", "assignments")
PROJECT_FILES = ("pyproject.toml", "README.md")  # setuptools needs the readme pyproject names
SKIPPED = {"__pycache__", ".ipynb_checkpoints", ".mypy_cache", ".pytest_cache"}
EXECUTABLE = {"setup.sh", "run_autograder", "autograder/docker/entrypoint.sh", "autograder/docker/pins.py"}
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def render(template: str, *, assignment_id: str) -> str:
    """A script from autograder/docker/gradescope/ with this assignment's id filled in."""
    return (TEMPLATES / template).read_text(encoding="utf-8").replace("@ASSIGNMENT@", assignment_id)


def _tree(folder: Path, prefix: str) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not SKIPPED & set(relative.parts) and path.suffix != ".pyc":
            files[f"{prefix}/{relative.as_posix()}"] = path
    return files


def members(course: Course, assignment_id: str) -> dict[str, Path]:
    """Every file the zip holds besides the two scripts, by its name in the zip."""
    entry = course.entry(assignment_id)
    files: dict[str, Path] = {}
    for name in PROJECT_FILES:
        files[name] = PROJECT / name
    for package in PACKAGES:
        files.update(_tree(PROJECT / package, package))
    files["nbgrader_config.py"] = course.config_file
    if course.catalog_file is not None:
        files["catalog.toml"] = course.catalog_file
    for notebook in entry.notebooks:
        for kind, folder in (("source", course.source), ("release", course.release)):
            path = folder / assignment_id / notebook
            if not path.is_file():
                hint = "run 'autograder build' first" if kind == "release" else "the grader needs it"
                raise UsageError(f"{path} is missing: {hint}")
            files[f"{kind}/{assignment_id}/{notebook}"] = path
    return files


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = ((0o755 if name in EXECUTABLE else 0o644) | 0o100000) << 16  # a regular file
    archive.writestr(info, data)


def build_zip(*, course: Course, assignment_id: str, out: Path) -> list[str]:
    """Write the Gradescope autograder zip for `assignment_id` to `out`; return its entries' names."""
    files = members(course, assignment_id)
    contents: dict[str, bytes] = {name: path.read_bytes() for name, path in files.items()}
    for script in ("setup.sh", "run_autograder"):
        contents[script] = render(script, assignment_id=assignment_id).encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name in sorted(contents):
            _add(archive, name, contents[name])
    partial.replace(out)
    return sorted(contents)
