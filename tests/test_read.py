"""Step 1: every kind of unreadable file becomes a message that says what is wrong and what to do."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from notebooks import toy_source
from autograder.read import Unreadable, read_submission


def _good(tmp_path: Path) -> Path:
    path = tmp_path / "toy.ipynb"
    nbformat.write(toy_source(), path)
    return path


def test_reads_a_notebook(tmp_path: Path) -> None:
    notebook = read_submission(_good(tmp_path))
    assert isinstance(notebook.cells[2].source, str) and "def add" in notebook.cells[2].source


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"\xff\xfe\x00garbage", "is not UTF-8"),
        (b'{"cells": [', "is not valid notebook JSON (line 1"),
        (b"[1, 2, 3]", "not a notebook"),
        (json.dumps({"cells": [], "nbformat": 3, "metadata": {}}).encode(), "format version 3"),
        (json.dumps({"cells": [{"cell_type": "weird"}], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}).encode(),
         "cell 1 is malformed"),
    ],
)
def test_unreadable_files_say_why(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "toy.ipynb"
    path.write_bytes(content)
    with pytest.raises(Unreadable, match="toy.ipynb") as error:
        read_submission(path)
    assert expected in str(error.value)
    assert "submit" in str(error.value) or "save" in str(error.value).lower()


def test_missing_and_huge(tmp_path: Path) -> None:
    with pytest.raises(Unreadable, match="missing from the submission"):
        read_submission(tmp_path / "toy.ipynb")
    path = _good(tmp_path)
    with pytest.raises(Unreadable, match="over the .* limit"):
        read_submission(path, max_bytes=100)


def test_unknown_nbgrader_schema(tmp_path: Path) -> None:
    notebook = toy_source()
    notebook.cells[2].metadata["nbgrader"]["schema_version"] = 7
    path = tmp_path / "toy.ipynb"
    nbformat.write(notebook, path)
    with pytest.raises(Unreadable, match="schema version 7"):
        read_submission(path)
