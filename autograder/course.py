"""Where the course's files live: one repository root with source/, release/ and solutions/."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assignments import catalog

from .errors import UsageError


def find_root(start: Path | None = None) -> Path:
    """The course root: the nearest folder at or above `start` holding nbgrader_config.py and source/."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "nbgrader_config.py").is_file() and (folder / "source").is_dir():
            return folder
    # An installed grader (e.g. in the container) still knows the course it was built from.
    packaged = Path(__file__).resolve().parent.parent
    if (packaged / "nbgrader_config.py").is_file() and (packaged / "source").is_dir():
        return packaged
    raise UsageError(f"no course found at or above {here}: expected nbgrader_config.py and a source/ folder")


@dataclass(frozen=True)
class Course:
    """The course's folders, relative to its root."""

    root: Path

    @classmethod
    def locate(cls, start: Path | None = None) -> Course:
        return cls(find_root(start))

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def release(self) -> Path:
        return self.root / "release"

    @property
    def solutions(self) -> Path:
        return self.root / "solutions"

    @property
    def config_file(self) -> Path:
        return self.root / "nbgrader_config.py"

    def assignment_ids(self) -> list[str]:
        """Assignment folders present in source/, sorted (the NN_ prefix gives course order)."""
        return sorted(p.name for p in self.source.iterdir() if p.is_dir() and not p.name.startswith("."))

    def select(self, patterns: Sequence[str]) -> list[str]:
        """The assignment ids that `patterns` name, in their order: ids, or globs as nbgrader takes them
        ('*', '0[01]_*'). A pattern that names none is a usage error listing the known ones."""
        known = self.assignment_ids()
        chosen: list[str] = []
        for pattern in patterns:
            matches = fnmatch.filter(known, pattern)
            if not matches:
                raise UsageError(f"no assignment {pattern!r} in {self.source}; known assignments: "
                                 f"{', '.join(known) or 'none'}")
            chosen += [match for match in matches if match not in chosen]
        return chosen

    @property
    def catalog_file(self) -> Path | None:
        """A course directory may carry its own catalog.toml; otherwise the installed course's is used."""
        path = self.root / "catalog.toml"
        return path if path.is_file() else None

    def catalog_entries(self) -> list[catalog.Assignment]:
        """Every assignment of the course, in course order (present in source/ or not)."""
        return catalog.load(self.catalog_file)

    def entry(self, assignment_id: str) -> catalog.Assignment:
        try:
            return catalog.find(assignment_id, self.catalog_file)
        except KeyError as error:
            raise UsageError(str(error.args[0])) from None

    def source_notebooks(self, assignment_id: str) -> list[Path]:
        folder = self.source / assignment_id
        if not folder.is_dir():
            known = ", ".join(self.assignment_ids()) or "none"
            raise UsageError(f"no assignment {assignment_id!r} in {self.source}; known assignments: {known}")
        return sorted(folder.glob("*.ipynb"))
