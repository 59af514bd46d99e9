"""Step 1, read: turn a submitted file into a notebook, or say in plain words why it can't be."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from .errors import AutograderError

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
SUPPORTED_NBGRADER_SCHEMA = 3
SAVE_AGAIN = "open it in JupyterLab, save it (File → Save Notebook) and submit the .ipynb file again"


class Unreadable(AutograderError):
    """The submitted notebook cannot be graded; the message says why and what to do."""


def read_submission(path: Path, *, max_bytes: int = MAX_NOTEBOOK_BYTES) -> NotebookNode:
    """Parse and sanity-check one submitted notebook."""
    name = path.name
    if not path.is_file():
        raise Unreadable(f"{name} is missing from the submission: submit the notebook you downloaded, unrenamed")
    size = path.stat().st_size
    if size == 0:
        raise Unreadable(f"{name} is empty (0 bytes): {SAVE_AGAIN}")
    if size > max_bytes:
        raise Unreadable(
            f"{name} is {size / 2**20:.1f} MiB, over the {max_bytes / 2**20:.0f} MiB limit: clear its outputs "
            "(Edit → Clear Outputs of All Cells), save, and submit again"
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Unreadable(
            f"{name} is not UTF-8 text (byte {raw[error.start]:#04x} at position {error.start}): "
            f"it may not be a notebook at all; {SAVE_AGAIN}"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise Unreadable(
            f"{name} is not valid notebook JSON (line {error.lineno}, column {error.colno}: {error.msg}): "
            f"the file is damaged, perhaps edited in a text editor; {SAVE_AGAIN}"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise Unreadable(f"{name} is JSON but not a notebook (no list of cells): {SAVE_AGAIN}")
    major = data.get("nbformat")
    if major != 4:
        raise Unreadable(f"{name} uses notebook format version {major!r}; the grader reads version 4: {SAVE_AGAIN}")
    for index, cell in enumerate(data["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            raise Unreadable(f"{name}: cell {index + 1} is malformed (no valid cell_type): {SAVE_AGAIN}")
        if not isinstance(cell.get("source", ""), (str, list)):
            raise Unreadable(f"{name}: cell {index + 1} has no readable source: {SAVE_AGAIN}")
        meta = cell.get("metadata", {})
        nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
        if isinstance(nbgrader, dict) and "schema_version" in nbgrader:
            version = nbgrader["schema_version"]
            if version != SUPPORTED_NBGRADER_SCHEMA:
                raise Unreadable(
                    f"{name}: cell {index + 1} carries nbgrader metadata schema version {version!r}, "
                    f"but this course uses version {SUPPORTED_NBGRADER_SCHEMA}: start again from the released "
                    "notebook and copy your answers into it"
                )
    try:
        notebook = nbformat.from_dict(data)
        for cell in notebook.cells:
            if isinstance(cell.get("source"), list):
                cell.source = "".join(str(part) for part in cell.source)
        return notebook
    except Exception as error:  # nbformat raises several types for odd structures
        raise Unreadable(f"{name} could not be loaded as a notebook ({error}): {SAVE_AGAIN}") from None
