"""Student feedback as one self-contained HTML page, from a Jinja template (deterministic output)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape
from nbformat import NotebookNode

from .. import cells
from ..results import Result

_environment = Environment(
    loader=PackageLoader("autograder", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def answers(executed: dict[str, NotebookNode]) -> list[tuple[str, str, str]]:
    """(notebook, grade id, code) of each answer cell: the student's own work, never test code."""
    return [
        (name, cells.grade_id(cell) or "", cell.source)
        for name, notebook in executed.items()
        for cell in notebook.cells
        if cells.is_answer(cell)
    ]


def render(result: Result, executed: dict[str, NotebookNode]) -> str:
    template = _environment.get_template("feedback.html.j2")
    return template.render(result=result, answers=answers(executed))
