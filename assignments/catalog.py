"""Reads `catalog.toml`: the ordered list of assignments and what each needs."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

Device = Literal["cpu", "cpu-or-cuda", "cuda"]


@dataclass(frozen=True)
class Assignment:
    """One assignment folder under `source/`."""

    id: str
    title: str
    notebooks: tuple[str, ...]
    time_budget_s: float
    device: Device = "cpu-or-cuda"


def load(path: Path | None = None) -> list[Assignment]:
    """All assignments, in course order: from `path`, or the course's own catalog.toml."""
    if path is not None:
        text = path.read_text(encoding="utf-8")
    else:
        text = resources.files(__package__).joinpath("catalog.toml").read_text(encoding="utf-8")
    entries = tomllib.loads(text).get("assignment", [])
    return [
        Assignment(
            id=e["id"],
            title=e["title"],
            notebooks=tuple(e["notebooks"]),
            time_budget_s=float(e["time_budget_s"]),
            device=e.get("device", "cpu-or-cuda"),
        )
        for e in entries
    ]


def find(assignment_id: str, path: Path | None = None) -> Assignment:
    """The catalog entry for `assignment_id`; KeyError names the known ones."""
    entries = load(path)
    for assignment in entries:
        if assignment.id == assignment_id:
            return assignment
    known = ", ".join(a.id for a in entries)
    raise KeyError(f"unknown assignment {assignment_id!r}; the catalog lists: {known}")
