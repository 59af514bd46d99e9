#!/usr/bin/env python3
"""Print pyproject.toml's dependencies, one per line: the torch group (`torch`) or all the others (`rest`).

The images and Gradescope's setup.sh install torch and torchvision from a chosen wheel index (PyTorch's
CPU index, or PyPI's default CUDA build) before everything else; reading the pins here keeps
pyproject.toml their one home. Standard library only: it runs before anything is installed.

usage: pins.py torch|rest [PYPROJECT]
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

TORCH = frozenset({"torch", "torchvision"})


def name(requirement: str) -> str:
    return re.split(r"[\s=<>!~;\[]", requirement, maxsplit=1)[0].lower()


def pins(group: str, pyproject: Path) -> list[str]:
    dependencies = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    chosen = [d for d in dependencies if (name(d) in TORCH) == (group == "torch")]
    if group == "torch" and {name(d) for d in chosen} != TORCH:
        raise SystemExit(f"pins.py: {pyproject} must list {', '.join(sorted(TORCH))}")
    return chosen


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3) or argv[1] not in ("torch", "rest"):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    print("\n".join(pins(argv[1], Path(argv[2] if len(argv) == 3 else "pyproject.toml"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
