"""Wrong solutions: a header naming the answer cell and the tests it must lose, then the replacement code."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

WRONG_ROOT = Path(__file__).parent / "course" / "wrong"
HEADER_KEYS = ("notebook", "cell", "loses", "why")


@dataclass(frozen=True)
class WrongSolution:
    assignment: str
    name: str
    notebook: str
    cell: str
    loses: tuple[str, ...]
    why: str
    code: str


def parse(path: Path) -> WrongSolution:
    header: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    body_start = 0
    for index, line in enumerate(lines):
        key, sep, value = line.removeprefix("# ").partition(":")
        if line.startswith("# ") and sep and key in HEADER_KEYS:
            header[key] = value.strip()
            body_start = index + 1
        else:
            break
    missing = [key for key in HEADER_KEYS if not header.get(key)]
    if missing:
        raise ValueError(f"{path}: header lacks {', '.join(missing)} (see docs/authoring.md)")
    return WrongSolution(
        assignment=path.parent.name,
        name=path.stem,
        notebook=header["notebook"],
        cell=header["cell"],
        loses=tuple(t.strip() for t in header["loses"].split(",") if t.strip()),
        why=header["why"],
        code="\n".join(lines[body_start:]).strip("\n"),
    )


def all_wrong(assignment: str) -> list[WrongSolution]:
    return [parse(p) for p in sorted((WRONG_ROOT / assignment).glob("*.py"))]
