"""source/ → release/ and solutions/, with nbgrader's own converters.

Each assignment is generated in a scratch course directory (so no gradebook or
log lands in the repository), then written back normalised: no outputs, no
execution counts, keys sorted. Running the build twice gives identical bytes,
which is what lets a test prove the committed files match source/.
"""

from __future__ import annotations

import functools
import logging
import shutil
import tempfile
from pathlib import Path

import nbformat
import nbgrader.api
from alembic.script import ScriptDirectory
from nbgrader.converters import GenerateAssignment, GenerateSolution
from nbgrader.coursedir import CourseDirectory
from nbgrader.dbutil import ALEMBIC_DIR
from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearOutput, IncludeHeaderFooter, LockCells
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from .course import Course

# generate_solution would execute the notebook and keep hidden tests; the
# committed reference notebooks carry neither outputs nor hidden tests.
SOLUTION_PREPROCESSORS = [IncludeHeaderFooter, LockCells, ClearOutput, ClearMarkScheme, ClearHiddenTests]


@functools.cache
def alembic_head() -> str:
    """The newest revision of nbgrader's gradebook schema, read from its migration scripts in this process.

    A new gradebook records it. nbgrader's own `get_alembic_version` asks the `alembic heads` command,
    a second Python start-up of about two seconds on every gradebook created (each `autograde` of a
    new course, each assignment built); the answer is the same.
    """
    head = ScriptDirectory(ALEMBIC_DIR).get_current_head()
    assert head is not None, f"no alembic revision in {ALEMBIC_DIR}"
    return head


nbgrader_alembic_version = nbgrader.api.get_alembic_version  # nbgrader's own, which tests compare with
nbgrader.api.get_alembic_version = alembic_head


def load_nbgrader_config(course: Course) -> Config:
    """The course's own nbgrader_config.py, with the course root filled in."""
    config = PyFileConfigLoader(course.config_file.name, path=str(course.root)).load_config()
    config.CourseDirectory.root = str(course.root)
    return config


def nbgrader_config(course: Course, scratch_root: Path, *, db_url: str | None = None) -> Config:
    """The course's nbgrader_config.py, pointed at a scratch course directory."""
    config = load_nbgrader_config(course)
    config.CourseDirectory.root = str(scratch_root)
    config.CourseDirectory.db_url = db_url or f"sqlite:///{scratch_root / 'gradebook.db'}"
    config.GenerateSolution.preprocessors = SOLUTION_PREPROCESSORS
    return config


def register_in_gradebook(course: Course, assignment_id: str, db_url: str) -> None:
    """Record the assignment's notebooks and grade cells in a gradebook, as generate_assignment does."""
    with tempfile.TemporaryDirectory(prefix="katas-register-") as tmp:
        scratch = Path(tmp)
        shutil.copytree(course.source / assignment_id, scratch / "source" / assignment_id,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        config = nbgrader_config(course, scratch, db_url=db_url)
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id = assignment_id
        converter = GenerateAssignment(coursedir=coursedir, config=config, log=_quiet_log())
        converter.force = True
        converter.start()


def _quiet_log() -> logging.Logger:
    log = logging.getLogger("nbgrader-build")
    log.setLevel(logging.WARNING)
    return log


def normalise(notebook: nbformat.NotebookNode) -> str:
    """The canonical text of a generated notebook: no outputs, no counts, sorted keys."""
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    text = nbformat.writes(notebook)
    return text if text.endswith("\n") else text + "\n"


def generate(course: Course, assignment_id: str, out_root: Path) -> list[Path]:
    """Generate release/ and solutions/ of one assignment under `out_root`; return the files written."""
    quiet = _quiet_log()
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="katas-build-") as tmp:
        scratch = Path(tmp)
        shutil.copytree(course.source / assignment_id, scratch / "source" / assignment_id,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        config = nbgrader_config(course, scratch)
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id = assignment_id
        for converter_class, folder in ((GenerateAssignment, "release"), (GenerateSolution, "solutions")):
            converter = converter_class(coursedir=coursedir, config=config, log=quiet)
            converter.force = True
            converter.start()
            generated = scratch / folder / assignment_id
            target = out_root / folder / assignment_id
            if target.exists():
                shutil.rmtree(target)
            target.mkdir(parents=True)
            for path in sorted(generated.rglob("*")):
                if path.is_dir():
                    continue
                destination = target / path.relative_to(generated)
                destination.parent.mkdir(parents=True, exist_ok=True)
                if path.suffix == ".ipynb":
                    destination.write_text(normalise(nbformat.read(path, as_version=4)), encoding="utf-8")
                else:
                    shutil.copyfile(path, destination)
                written.append(destination)
    return written


def build(course: Course, assignment_ids: list[str] | None = None, *, out_root: Path | None = None) -> list[Path]:
    """Regenerate release/ and solutions/ for the given assignments (all by default)."""
    written: list[Path] = []
    for assignment_id in assignment_ids or course.assignment_ids():
        written += generate(course, assignment_id, out_root or course.root)
    return written
