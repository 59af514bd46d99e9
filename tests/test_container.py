"""The container's entrypoint and the Gradescope zip, run for real outside Docker.

The entrypoint script takes every path from environment variables, so these
tests point it at temporary folders and at this checkout's course, and run it
with this virtual environment's Python; the zip is unpacked and its own
`run_autograder` is run the same way (its setup.sh is not: it installs system
packages). Submissions are the bundled samples: alice's is correct, bob's
partly wrong, carol's file is damaged.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO, run_cli
from autograder.container import find_notebooks
from autograder.results import schema

ENTRYPOINT = REPO / "autograder" / "docker" / "entrypoint.sh"
SAMPLES = REPO / "samples" / "00_tensors"
ASSIGNMENT = "00_tensors"
NOTEBOOK = "tensors.ipynb"
GRADESCOPE_TEST_KEYS = {"name", "score", "max_score", "status", "visibility"}
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


def clean_env(**values: str) -> dict[str, str]:
    """This process's environment without any AUTOGRADER_* path of the caller's, plus `values`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOGRADER_") or k == "AUTOGRADER_CGROUP_PARENT"}
    return {**env, **values}


def entrypoint(*args: str, root: Path | None = None, assignment: str | None = None) -> subprocess.CompletedProcess[str]:
    values = {"AUTOGRADER_COURSE": str(REPO), "AUTOGRADER_PYTHON": sys.executable}
    if root is not None:
        values["AUTOGRADER_ROOT"] = str(root)
    if assignment is not None:
        values["AUTOGRADER_ASSIGNMENT"] = assignment
    return subprocess.run([str(ENTRYPOINT), *args], env=clean_env(**values), capture_output=True, text=True,
                          timeout=300)


def gradescope_root(tmp_path: Path, student: str, relative: str = NOTEBOOK) -> Path:
    """Gradescope's /autograder, in a temporary folder, holding one sample as the submission."""
    root = tmp_path / "autograder"
    target = root / "submission" / relative
    target.parent.mkdir(parents=True)
    shutil.copyfile(SAMPLES / student / NOTEBOOK, target)
    (root / "results").mkdir()
    return root


def gradescope_results(root: Path) -> dict:
    path = root / "results" / "results.json"
    assert path.is_file(), "the entrypoint wrote no results.json"
    results = json.loads(path.read_text())
    assert results["tests"], results
    for test in results["tests"]:
        assert GRADESCOPE_TEST_KEYS <= test.keys(), test
        assert test["status"] in {"passed", "failed"} and test["visibility"] in VISIBILITIES, test
    return results


def total(results: dict, key: str) -> float:
    return sum(test[key] for test in results["tests"])


# Gradescope mode


@pytest.mark.slow
def test_gradescope_correct_submission_earns_full_score(tmp_path: Path) -> None:
    root = gradescope_root(tmp_path, "alice")
    done = entrypoint("gradescope", root=root, assignment=ASSIGNMENT)
    assert done.returncode == 0, done.stderr
    results = gradescope_results(root)
    assert results["score"] == total(results, "max_score") == 27, results["output"]
    assert all(test["status"] == "passed" and test["score"] == test["max_score"] for test in results["tests"])
    # Hidden tests show their verdict once grades are published, never before.
    assert {t["visibility"] for t in results["tests"] if "hidden" in t["name"]} == {"after_published"}


@pytest.mark.slow
def test_gradescope_damaged_notebook_scores_zero_and_says_why(tmp_path: Path) -> None:
    root = gradescope_root(tmp_path, "carol")
    done = entrypoint(root=root, assignment=ASSIGNMENT)  # no argument: Gradescope mode is the default
    assert done.returncode == 0, done.stderr
    results = gradescope_results(root)
    assert results["score"] == 0 and total(results, "score") == 0
    assert "not valid notebook JSON" in results["output"] and "save it" in results["output"], results["output"]
    assert all(test["status"] == "failed" for test in results["tests"])


@pytest.mark.slow
def test_gradescope_finds_a_nested_notebook_and_its_assignment(tmp_path: Path) -> None:
    """A zip upload unpacks into folders; no AUTOGRADER_ASSIGNMENT: the notebook's name says which."""
    root = gradescope_root(tmp_path, "bob", relative=f"homework/{NOTEBOOK}")
    done = entrypoint(root=root)
    assert done.returncode == 0, done.stderr
    results = gradescope_results(root)
    assert 0 < results["score"] == total(results, "score") < total(results, "max_score") == 27, results


def test_gradescope_grader_failure_still_writes_results(tmp_path: Path) -> None:
    """An unknown assignment: no kernel runs, but Gradescope gets a results.json saying what went wrong."""
    root = gradescope_root(tmp_path, "alice")
    done = entrypoint(root=root, assignment="99_nonexistent")
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and "could not run" in results["output"] and "99_nonexistent" in results["output"]


def test_gradescope_without_a_sandbox_says_so_instead_of_failing_every_test(tmp_path: Path) -> None:
    """No bwrap on PATH stands in for a container without the flags: one clear message, not N kernel deaths."""
    root = gradescope_root(tmp_path, "alice")
    empty = tmp_path / "bin"
    empty.mkdir()
    env = clean_env(AUTOGRADER_ROOT=str(root), AUTOGRADER_COURSE=str(REPO), AUTOGRADER_PYTHON=sys.executable,
                    AUTOGRADER_ASSIGNMENT=ASSIGNMENT, PATH=str(empty))
    done = subprocess.run(["/bin/bash", str(ENTRYPOINT)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    results = gradescope_results(root)
    assert results["score"] == 0 and "bubblewrap" in results["output"], results["output"]
    assert total(results, "max_score") == 27  # the student still sees what the assignment is worth


# Generic mode: run ASSIGNMENT IN_DIR OUT_DIR


def valid_results(out: Path) -> dict:
    for name in ("results.json", "feedback.html", "gradescope.json"):
        assert (out / name).is_file(), f"{name} missing from {out}"
    result = json.loads((out / "results.json").read_text())
    jsonschema.validate(result, schema())
    return result


@pytest.mark.slow
def test_run_grades_a_folder_into_valid_results(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = entrypoint("run", ASSIGNMENT, str(SAMPLES / "alice"), str(out))
    assert done.returncode == 0, done.stderr
    result = valid_results(out)
    assert result["status"] == "pass" and result["score"] == result["max_score"] == 27, result


def test_run_damaged_notebook_is_graded_as_error_with_exit_0(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = entrypoint("run", ASSIGNMENT, str(SAMPLES / "carol"), str(out))
    assert done.returncode == 0, done.stderr
    result = valid_results(out)
    assert result["status"] == "error" and result["score"] == 0 and "not valid notebook JSON" in result["message"]


def test_run_that_cannot_grade_exits_nonzero_with_an_error_result(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = entrypoint("run", "99_nonexistent", str(SAMPLES / "alice"), str(out))
    assert done.returncode == 1, done.stdout + done.stderr
    result = valid_results(out)
    assert result["status"] == "error" and "99_nonexistent" in result["message"]


def test_run_with_wrong_arguments_is_a_usage_error(tmp_path: Path) -> None:
    done = entrypoint("run", ASSIGNMENT, str(tmp_path))
    assert done.returncode == 2 and "usage" in done.stderr


# Finding the notebooks in what a platform hands over


def test_find_notebooks_prefers_the_shallowest_and_skips_links_and_checkpoints(tmp_path: Path) -> None:
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / NOTEBOOK).write_text("{}")
    (tmp_path / "deep" / "deeper").mkdir(parents=True)
    (tmp_path / "deep" / "deeper" / NOTEBOOK).write_text("{}")
    (tmp_path / "deep" / NOTEBOOK).write_text("{}")
    assert find_notebooks(tmp_path, [NOTEBOOK]) == {NOTEBOOK: tmp_path / "deep" / NOTEBOOK}

    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / NOTEBOOK).symlink_to(REPO / "source" / ASSIGNMENT / NOTEBOOK)
    assert find_notebooks(linked, [NOTEBOOK]) == {}


def test_find_notebooks_takes_a_single_renamed_notebook(tmp_path: Path) -> None:
    (tmp_path / "tensors (1).ipynb").write_text("{}")
    assert find_notebooks(tmp_path, [NOTEBOOK]) == {NOTEBOOK: tmp_path / "tensors (1).ipynb"}
    (tmp_path / "other.ipynb").write_text("{}")
    assert find_notebooks(tmp_path, [NOTEBOOK]) == {}  # two candidates: guessing would be wrong


# The Gradescope zip


def build_zip(tmp_path: Path) -> Path:
    out = tmp_path / "autograder.zip"
    done = run_cli("gradescope", ASSIGNMENT, "--out", str(out), cwd=REPO)
    assert done.returncode == 0, done.stderr
    return out


def unpack(archive: Path, into: Path) -> None:
    """Unzip as Gradescope does, keeping the executable bits (zipfile alone drops them)."""
    with zipfile.ZipFile(archive) as opened:
        for info in opened.infolist():
            path = Path(opened.extract(info, into))
            mode = info.external_attr >> 16
            if mode:
                path.chmod(stat.S_IMODE(mode))


def test_zip_holds_what_grading_needs_and_no_solutions(tmp_path: Path) -> None:
    archive = build_zip(tmp_path)
    with zipfile.ZipFile(archive) as opened:
        names = set(opened.namelist())
        source = opened.read(f"source/{ASSIGNMENT}/{NOTEBOOK}").decode()
        release = opened.read(f"release/{ASSIGNMENT}/{NOTEBOOK}").decode()
        modes = {info.filename: info.external_attr >> 16 for info in opened.infolist()}
        run_autograder = opened.read("run_autograder").decode()
    for needed in ("setup.sh", "run_autograder", "pyproject.toml", "nbgrader_config.py", "assignments/catalog.toml",
                   "autograder/container.py", "autograder/docker/entrypoint.sh", "autograder/docker/pins.py"):
        assert needed in names, needed
    assert not [n for n in names if n.startswith("solutions/") or "__pycache__" in n or n.endswith(".pyc")]
    assert {n.split("/")[1] for n in names if n.startswith(("source/", "release/"))} == {ASSIGNMENT}
    # Grading restores the hidden tests from source/; the release copy must not carry them.
    assert "BEGIN HIDDEN TESTS" in source and "BEGIN HIDDEN TESTS" not in release
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    assert f'AUTOGRADER_ASSIGNMENT:-{ASSIGNMENT}' in run_autograder
    # Deterministic: the same course gives the same bytes.
    assert build_zip(tmp_path / "again").read_bytes() == archive.read_bytes()


@pytest.mark.slow
def test_zip_run_autograder_grades_a_submission(tmp_path: Path) -> None:
    root = gradescope_root(tmp_path, "alice")
    unpack(build_zip(tmp_path), root / "source")
    # Instead of setup.sh: this virtual environment's Python first on PATH; every path from the zip's defaults.
    env = clean_env(AUTOGRADER_ROOT=str(root), PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run([str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=300, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    results = gradescope_results(root)
    assert results["score"] == total(results, "max_score") == 27, results["output"]


def test_pins_script_reads_torch_pins_from_pyproject() -> None:
    script = REPO / "autograder" / "docker" / "pins.py"
    torch = subprocess.run([sys.executable, str(script), "torch", str(REPO / "pyproject.toml")],
                           capture_output=True, text=True, check=True).stdout.split()
    rest = subprocess.run([sys.executable, str(script), "rest", str(REPO / "pyproject.toml")],
                          capture_output=True, text=True, check=True).stdout.split()
    assert sorted(p.split("==")[0] for p in torch) == ["torch", "torchvision"]
    assert all("==" in p for p in torch + rest) and not {"torch", "torchvision"} & {p.split("==")[0] for p in rest}
