"""Building nbgrader notebooks in code, for tests (the course's own notebooks live in source/)."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def _nbgrader(gid: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
              points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": gid, "locked": locked, "schema_version": 3, "solution": solution,
            "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def markdown(text: str, gid: str | None = None) -> NotebookNode:
    cell = new_markdown_cell(text)
    if gid:
        cell.metadata["nbgrader"] = _nbgrader(gid, locked=True)
    return cell


def readonly(code: str, gid: str) -> NotebookNode:
    cell = new_code_cell(code)
    cell.metadata["nbgrader"] = _nbgrader(gid, locked=True)
    return cell


def answer(code: str, gid: str) -> NotebookNode:
    cell = new_code_cell(code)
    cell.metadata["nbgrader"] = _nbgrader(gid, solution=True)
    return cell


def graded(code: str, gid: str, points: float) -> NotebookNode:
    cell = new_code_cell(code)
    cell.metadata["nbgrader"] = _nbgrader(gid, grade=True, locked=True, points=points)
    return cell


def notebook(cells: list[NotebookNode]) -> NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    for index, cell in enumerate(nb.cells):
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        cell.id = (gid or f"cell-{index}").replace("_", "-")
    return nb


def write(nb: NotebookNode, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def with_answer(nb: NotebookNode, gid: str, code: str) -> NotebookNode:
    """A copy of `nb` whose answer cell `gid` holds `code`."""
    copy = nbformat.reads(nbformat.writes(nb), as_version=4)
    for cell in copy.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == gid:
            cell.source = code
            return copy
    raise KeyError(f"no cell {gid!r}")


# A course assignment small enough to grade in two seconds: no torch, three exercises.
TOY_ID = "toy"
TOY_NOTEBOOK = "toy.ipynb"


def toy_source() -> NotebookNode:
    return notebook([
        markdown("# Toy assignment\nThree small functions.", "intro"),
        readonly("import math\nimport random\n\nfrom assignments import checks", "setup"),
        answer("def add(a: int, b: int) -> int:\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION", "add"),
        graded("with checks.student():\n    _got = add(1, 2)\nassert _got == 3, 'add(1, 2) should be 3'", "test_add", 1),
        graded("# Hidden tests: more pairs.\n### BEGIN HIDDEN TESTS\n_rng = random.Random(checks.seed(1))\n"
               "_pairs = [(_rng.randint(-99, 99), _rng.randint(-99, 99)) for _ in range(10)]\n"
               "with checks.student():\n    _sums = [add(_a, _b) for _a, _b in _pairs]\n"
               "for (_a, _b), _sum in zip(_pairs, _sums):\n"
               "    assert _sum == _a + _b, f'add({_a}, {_b}) should be {_a + _b}'\n"
               "### END HIDDEN TESTS", "test_add_hidden", 2),
        answer("def mean(xs: list[float]) -> float:\n    ### BEGIN SOLUTION\n    return sum(xs) / len(xs)\n"
               "    ### END SOLUTION", "mean"),
        graded("with checks.student():\n    _got = mean([1, 2, 3])\nassert _got == 2, 'mean([1, 2, 3]) should be 2'",
               "test_mean", 1),
        graded("# Hidden tests: longer lists.\n### BEGIN HIDDEN TESTS\n_rng = random.Random(checks.seed(2))\n"
               "_lists = [[_rng.uniform(-9, 9) for _ in range(_rng.randint(2, 9))] for _ in range(5)]\n"
               "with checks.student():\n    _means = [mean(_xs) for _xs in _lists]\n"
               "for _xs, _mean in zip(_lists, _means):\n"
               "    assert math.isclose(_mean, math.fsum(_xs) / len(_xs)), 'mean of a longer list is wrong'\n"
               "### END HIDDEN TESTS", "test_mean_hidden", 1),
        answer("def shout(text: str) -> str:\n    ### BEGIN SOLUTION\n    return text.upper() + '!'\n"
               "    ### END SOLUTION", "shout"),
        graded("with checks.student():\n    _got = shout('hi')\nassert _got == 'HI!', \"shout('hi') should be 'HI!'\"",
               "test_shout", 1),
        graded("# Hidden tests: other words.\n### BEGIN HIDDEN TESTS\n_rng = random.Random(checks.seed(3))\n"
               "_words = [''.join(_rng.choices('katas', k=_rng.randint(1, 6))) for _ in range(5)]\n"
               "with checks.student():\n    _shouts = [shout(_word) for _word in _words]\n"
               "assert _shouts == [_word.upper() + '!' for _word in _words], 'shout of other words is wrong'\n"
               "### END HIDDEN TESTS", "test_shout_hidden", 1),
    ])


TOY_CATALOG = """
[[assignment]]
id = "toy"
title = "Toy"
notebooks = ["toy.ipynb"]
time_budget_s = 20
device = "cpu"
"""
