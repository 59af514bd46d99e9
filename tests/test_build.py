"""The build: committed release/ and solutions/ equal a fresh build, byte for byte, and it is repeatable."""

from __future__ import annotations

import os
from pathlib import Path

from autograder.build import build
from autograder.course import Course


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_committed_files_match_a_fresh_build(course: Course, tmp_path: Path) -> None:
    build(course, out_root=tmp_path)
    for folder in ("release", "solutions"):
        fresh = _files(tmp_path / folder)
        committed = _files(course.root / folder)
        assert fresh.keys() == committed.keys(), f"{folder}/ lists other files than a fresh build: run `make build`"
        stale = [name for name in fresh if fresh[name] != committed[name]]
        assert not stale, f"{folder}/ is out of date for {stale}: run `make build` and commit"


def test_build_is_deterministic(toy_course: Course, tmp_path: Path) -> None:
    build(toy_course, out_root=tmp_path / "one")
    build(toy_course, out_root=tmp_path / "two")
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    assert _files(tmp_path / "one")  # and it wrote something


def test_release_has_stubs_and_solutions_have_reference_code(toy_course: Course) -> None:
    release = (toy_course.release / "toy" / "toy.ipynb").read_text()
    solutions = (toy_course.solutions / "toy" / "toy.ipynb").read_text()
    assert "raise NotImplementedError()" in release and "return a + b" not in release
    assert "return a + b" in solutions
    for text in (release, solutions):
        assert "add(_i, 2 * _i)" not in text and '"outputs": []' in text and '"execution_count": null' in text


def test_gradebooks_record_the_schema_revision_nbgrader_would(tmp_path: Path, monkeypatch) -> None:
    """Our in-process alembic head is what nbgrader's `alembic heads` subprocess answers."""
    import sys

    import sqlalchemy
    import nbgrader.api
    from nbgrader.api import Gradebook

    from autograder.build import alembic_head, nbgrader_alembic_version

    assert nbgrader.api.get_alembic_version is alembic_head  # no `alembic` subprocess per new gradebook

    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:{os.environ['PATH']}")  # where `alembic` is
    assert alembic_head() == nbgrader_alembic_version()
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}", "course") as gb:
        (recorded,) = gb.db.execute(sqlalchemy.text("SELECT version_num FROM alembic_version")).one()
    assert recorded == nbgrader_alembic_version()
