"""The red-team corpus: what each hostile submission does, and the outcome the grader owes everyone else.

The rule every case checks: **no cheat earns a point it did not earn honestly**.
A case starts from one of the assignment's generated notebooks (the reference
solution or the released stubs), applies a few edits (an answer replaced, a
cell added, a test cell deleted or forged...), and states what the grader
must still conclude: the most the submission may score, the tests that must
not pass, the honest verdicts the attack must not take away, and words that
must (or must never) appear in what the student gets back.

A case whose cheat beats today's engine keeps its true expectation and says
how it wins in `succeeds_today`; the test marks it as a strict expected
failure, so it turns into an unexpected pass, loudly, once judging is fixed.

Code in an edit may name two places the test knows only at run time:
`@COURSE@` (the course directory on the grader's machine) and `@OUT@` (the
folder the grader writes results to).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output

Edit = Callable[[NotebookNode], None]

# The toy assignment's tests (tests/notebooks.py), in notebook order: 7 points in all.
ADD_TESTS = ("test_add", "test_add_hidden")  # 1 + 2 points
MEAN_TESTS = ("test_mean", "test_mean_hidden")  # 1 + 1
SHOUT_TESTS = ("test_shout", "test_shout_hidden")  # 1 + 1
TOY_TESTS = ADD_TESTS + MEAN_TESTS + SHOUT_TESTS
# 00_tensors: 27 points; `mse`'s two tests are worth 3 of them.
MSE_TESTS = ("test_mse", "test_mse_hidden")
WRONG_MSE = "def mse(pred, target):\n    return torch.zeros(())\n"  # the right shape, the wrong value
WRONG_ADD = "def add(a: int, b: int) -> int:\n    return 0\n"


@dataclass(frozen=True)
class Case:
    """One hostile submission and what the grader must conclude about it."""

    attack: str  # what the student tries, in a sentence
    edits: tuple[Edit, ...]
    max_score: float  # the most it may earn: what the honest part of it is worth
    must_fail: tuple[str, ...] = ()  # tests the cheat aims at: none may pass
    must_pass: tuple[str, ...] = ()  # honest verdicts the attack must not take away
    messages: dict[str, str] = field(default_factory=dict)  # test name -> fragment its message must hold
    never_shown: tuple[str, ...] = ()  # text that must appear in no file the student gets back
    assignment: str = "toy"  # "toy" (tests/notebooks.py) or a course assignment such as "00_tensors"
    start: str = "solution"  # the generated notebook the submission starts from: "solution" or "release"
    succeeds_today: str = ""  # how the cheat beats today's engine: the case is then a strict xfail
    name: str = ""  # the module's name, set by `load`


def load() -> list[Case]:
    """Every case of this folder: each module but this one defines `CASE`."""
    package = Path(__file__).parent
    cases = []
    for info in sorted(pkgutil.iter_modules([str(package)]), key=lambda m: m.name):
        if info.name == "corpus":
            continue
        module = importlib.import_module(f"hostile.{info.name}")
        cases.append(replace(module.CASE, name=info.name))
    return cases


def build(case: Case, *, course_root: Path, base: NotebookNode, out: Path) -> NotebookNode:
    """The submission: `base` (a generated notebook) with the case's edits and the run-time places filled in."""
    notebook = nbformat.reads(nbformat.writes(base), as_version=4)
    for edit in case.edits:
        edit(notebook)
    for cell in notebook.cells:
        cell.source = cell.source.replace("@COURSE@", str(course_root)).replace("@OUT@", str(out))
    return notebook


# Edits. Cells are named by their nbgrader grade id, as the grader matches them.

def _index(notebook: NotebookNode, gid: str) -> int:
    for index, cell in enumerate(notebook.cells):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == gid:
            return index
    raise KeyError(f"no cell {gid!r} in the base notebook")


def answer(gid: str, code: str) -> Edit:
    """Replace the source of cell `gid` (an answer, or a test the student edits)."""
    def edit(notebook: NotebookNode) -> None:
        notebook.cells[_index(notebook, gid)].source = code
    return edit


def insert(after: str, code: str, nbgrader: dict | None = None) -> Edit:
    """A new code cell after cell `after` ("" puts it first), optionally with forged nbgrader metadata."""
    def edit(notebook: NotebookNode) -> None:
        cell = new_code_cell(code)
        if nbgrader is not None:
            cell.metadata["nbgrader"] = dict(nbgrader)
        notebook.cells.insert(_index(notebook, after) + 1 if after else 0, cell)
    return edit


def delete(*gids: str) -> Edit:
    def edit(notebook: NotebookNode) -> None:
        for gid in gids:
            del notebook.cells[_index(notebook, gid)]
    return edit


def duplicate(gid: str, **nbgrader: object) -> Edit:
    """A copy of cell `gid` right after it; `nbgrader` fields, if any, overwrite the copy's metadata."""
    def edit(notebook: NotebookNode) -> None:
        index = _index(notebook, gid)
        copy = nbformat.from_dict(nbformat.v4.new_code_cell(notebook.cells[index].source))
        copy.metadata["nbgrader"] = {**notebook.cells[index].metadata["nbgrader"], **nbgrader}
        notebook.cells.insert(index + 1, copy)
    return edit


def metadata(gid: str, **nbgrader: object) -> Edit:
    """Forge fields of cell `gid`'s nbgrader metadata (points, locked, grade, solution...)."""
    def edit(notebook: NotebookNode) -> None:
        notebook.cells[_index(notebook, gid)].metadata["nbgrader"].update(nbgrader)
    return edit


def to_markdown(*gids: str) -> Edit:
    """Turn code cells into Markdown cells, keeping their text and metadata."""
    def edit(notebook: NotebookNode) -> None:
        for gid in gids:
            index = _index(notebook, gid)
            old = notebook.cells[index]
            cell = new_markdown_cell(old.source)
            cell.metadata = old.metadata
            notebook.cells[index] = cell
    return edit


def prefill(gid: str, text: str, execution_count: int = 1) -> Edit:
    """Outputs and an execution count saved into code cell `gid`, as if it had run and printed `text`."""
    def edit(notebook: NotebookNode) -> None:
        cell = notebook.cells[_index(notebook, gid)]
        cell.execution_count = execution_count
        cell.outputs = [new_output("stream", name="stdout", text=text),
                        new_output("execute_result", data={"text/plain": "True"}, execution_count=execution_count)]
    return edit


def notebook_metadata(**fields: object) -> Edit:
    """Overwrite top-level notebook metadata (kernelspec, language_info...)."""
    def edit(notebook: NotebookNode) -> None:
        notebook.metadata.update(fields)
    return edit
