"""The real CLI in a subprocess, over submissions built for the purpose, against expected results.

Faults go in the middle exercise (`mean`) of the toy assignment: the tests of
`add` before it must keep their points whatever happens after.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import nbformat
import pytest

from conftest import FAST_LIMITS, by_name, grade, sandbox_leftovers
from notebooks import TOY_NOTEBOOK, with_answer
from autograder.course import Course
from autograder.results import schema

pytestmark = pytest.mark.slow

ADD_TESTS = {"test_add": 1, "test_add_hidden": 2}
ALL_TESTS = ["test_add", "test_add_hidden", "test_mean", "test_mean_hidden", "test_shout", "test_shout_hidden"]


def solution(course: Course) -> nbformat.NotebookNode:
    return nbformat.read(course.solutions / "toy" / TOY_NOTEBOOK, as_version=4)


def release(course: Course) -> nbformat.NotebookNode:
    return nbformat.read(course.release / "toy" / TOY_NOTEBOOK, as_version=4)


def _assert_add_kept(result: dict) -> None:
    tests = by_name(result)
    for name, points in ADD_TESTS.items():
        assert tests[name]["status"] == "pass" and tests[name]["score"] == points, tests[name]


def _assert_later_not_run(result: dict, reason: str, first: str = "test_mean") -> None:
    later = ALL_TESTS[ALL_TESTS.index(first):]
    for name in later:
        test = by_name(result)[name]
        assert test["status"] in {"error", "fail"} and test["score"] == 0, test
        assert reason in test["message"], test["message"]


def _mean(code: str) -> Callable[[Course], nbformat.NotebookNode]:
    return lambda course: with_answer(solution(course), "mean", code)


def _add(code: str) -> Callable[[Course], nbformat.NotebookNode]:
    return lambda course: with_answer(solution(course), "add", code)


MEAN = "def mean(xs):\n    return sum(xs) / len(xs)\n"


def expect_full(result: dict) -> None:
    assert result["status"] == "pass" and result["score"] == result["max_score"] == 7, result


def expect_partly_wrong(result: dict) -> None:
    assert result["status"] == "fail" and result["score"] == 6
    tests = by_name(result)
    assert tests["test_mean"]["status"] == "pass"  # the visible example is right...
    hidden = tests["test_mean_hidden"]
    assert hidden["status"] == "fail" and hidden["message"] == "AssertionError: mean of a longer list is wrong"
    assert hidden["hidden"] is True


def expect_untouched(result: dict) -> None:
    assert result["status"] == "fail" and result["score"] == 0
    assert all(t["status"] == "fail" and "not attempted" in t["message"] for t in result["tests"])


def expect_interrupted_loop(result: dict) -> None:
    _assert_add_kept(result)
    tests = by_name(result)
    assert tests["test_mean"]["status"] == "fail"
    assert "your cell 'mean' ran past its time limit and was interrupted" in tests["test_mean"]["message"]
    assert tests["test_shout"]["status"] == "pass" and tests["test_shout_hidden"]["status"] == "pass"
    assert result["score"] == 5


def expect_killed_loop(result: dict) -> None:
    _assert_add_kept(result)
    _assert_later_not_run(result, "did not stop when interrupted, so its kernel was stopped")
    assert result["score"] == 3 and result["status"] == "fail"


def expect_kernel_died(result: dict) -> None:
    _assert_add_kept(result)
    _assert_later_not_run(result, "the kernel died")
    assert result["score"] == 3


def expect_died_inside_test(result: dict) -> None:
    _assert_add_kept(result)
    first = by_name(result)["test_mean"]
    assert first["status"] == "fail" and first["message"].startswith("this test stopped the notebook: the kernel died")
    _assert_later_not_run(result, "not run: the kernel died", first="test_mean_hidden")


def expect_memory_limit(result: dict) -> None:
    _assert_add_kept(result)
    _assert_later_not_run(result, "more than the memory limit (768 MiB)")


def expect_flood_capped(result: dict) -> None:
    expect_full(result)


def expect_fork_bomb_contained(result: dict) -> None:
    _assert_add_kept(result)
    assert by_name(result)["test_mean"]["status"] != "pass"


def expect_no_network(result: dict) -> None:
    test = by_name(result)["test_add"]
    assert test["status"] == "fail"
    assert "Network is unreachable" in test["message"] and "in cell 'add', line 3" in test["message"], test


def expect_no_source(result: dict) -> None:
    for name in ADD_TESTS:
        test = by_name(result)[name]
        assert test["status"] == "fail" and "FileNotFoundError" in test["message"], test


def expect_stdin_closed(result: dict) -> None:
    test = by_name(result)["test_add"]
    assert test["status"] == "fail" and "StdinNotImplementedError" in test["message"], test
    assert by_name(result)["test_mean"]["status"] == "pass"


def expect_printing_earns_nothing(result: dict) -> None:
    tests = by_name(result)
    assert tests["test_add"]["status"] == "fail" and tests["test_add_hidden"]["status"] == "fail"


def expect_warnings_cost_nothing(result: dict) -> None:
    expect_full(result)


SCENARIOS: dict[str, tuple[Callable[[Course], nbformat.NotebookNode], Callable[[dict], None]]] = {
    "correct": (solution, expect_full),
    "partly_wrong": (_mean("def mean(xs):\n    return sum(xs) // len(xs)"), expect_partly_wrong),
    "untouched_release": (release, expect_untouched),
    "infinite_loop": (_mean("while True:\n    pass"), expect_interrupted_loop),
    "loop_ignoring_sigint": (
        _mean("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"),
        expect_killed_loop,
    ),
    "os_exit": (_mean("import os\nos._exit(3)"), expect_kernel_died),
    "segfault": (_mean("import ctypes\nctypes.string_at(0)"), expect_kernel_died),
    "exit_inside_test": (_mean("def mean(xs):\n    import os\n    os._exit(1)"), expect_died_inside_test),
    "memory_bomb": (_mean("blocks = []\nwhile True:\n    blocks.append(b'x' * 50_000_000)"), expect_memory_limit),
    "output_flood": (_mean("for _ in range(3000):\n    print('spam' * 2500)\n" + MEAN), expect_flood_capped),
    "fork_bomb": (
        _mean("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"),
        expect_fork_bomb_contained,
    ),
    "network": (
        _add("def add(a, b):\n    import socket\n    socket.create_connection(('1.1.1.1', 53), timeout=3)\n"
             "    return a + b"),
        expect_no_network,
    ),
    "input": (_add("def add(a, b):\n    return int(input('a + b = '))"), expect_stdin_closed),
    "prints_all_tests_passed": (
        _add("print('All tests passed!')\ndef add(a, b):\n    print('All tests passed!')\n    return 0"),
        expect_printing_earns_nothing,
    ),
    "warnings_on_stderr": (
        _add("import sys, warnings\ndef add(a, b):\n    warnings.warn('careful')\n"
             "    print('noise', file=sys.stderr)\n    return a + b"),
        expect_warnings_cost_nothing,
    ),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario(name: str, toy_course: Course, tmp_path: Path) -> None:
    build, expect = SCENARIOS[name]
    submission = tmp_path / TOY_NOTEBOOK
    nbformat.write(build(toy_course), submission)
    result = grade(toy_course, "toy", submission, tmp_path / "out", FAST_LIMITS)
    jsonschema.validate(result, schema())
    assert [t["name"] for t in result["tests"]] == ALL_TESTS
    expect(result)
    for artifact in ("results.json", "feedback.html", "gradescope.json"):
        assert (tmp_path / "out" / artifact).stat().st_size < 200_000
    assert sandbox_leftovers() == [], "the sandbox left processes behind"


def test_reading_the_course_is_impossible(toy_course: Course, tmp_path: Path) -> None:
    secret = toy_course.source / "toy" / TOY_NOTEBOOK
    submission = tmp_path / TOY_NOTEBOOK
    nbformat.write(with_answer(solution(toy_course), "add", f"def add(a, b):\n    return len(open({str(secret)!r}).read())"),
                   submission)
    expect_no_source(grade(toy_course, "toy", submission, tmp_path / "out", FAST_LIMITS))


def _huge(path: Path) -> None:
    path.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
                                "padding": "x" * (21 * 1024 * 1024)}))


BAD_INPUTS: dict[str, tuple[Callable[[Path], None], str]] = {
    "invalid_json": (lambda p: p.write_text('{"cells": [}'), "is not valid notebook JSON"),
    "not_utf8": (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00"), "is not UTF-8 text"),
    "empty": (lambda p: p.write_bytes(b""), "is empty"),
    "nbformat_3": (lambda p: p.write_text('{"nbformat": 3, "worksheets": [], "cells": []}'), "format version 3"),
    "nbgrader_schema_1": (
        lambda p: p.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
            {"cell_type": "code", "source": "x = 1", "metadata": {"nbgrader": {"schema_version": 1}},
             "outputs": [], "execution_count": None}]})),
        "schema version 1",
    ),
    "huge": (_huge, "over the 20 MiB limit"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_an_error_result(name: str, toy_course: Course, tmp_path: Path) -> None:
    make, expected = BAD_INPUTS[name]
    submission = tmp_path / TOY_NOTEBOOK
    make(submission)
    result = grade(toy_course, "toy", submission, tmp_path / "out")
    jsonschema.validate(result, schema())
    assert result["status"] == "error" and result["score"] == 0 and result["max_score"] == 7
    assert expected in result["message"], result["message"]
    assert all(t["status"] == "error" for t in result["tests"])


def test_missing_notebook_in_a_folder(toy_course: Course, tmp_path: Path) -> None:
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "notes.txt").write_text("I forgot the notebook")
    result = grade(toy_course, "toy", folder, tmp_path / "out")
    assert result["status"] == "error" and "toy.ipynb is missing from the submission" in result["message"]


def test_hidden_code_never_reaches_student_artifacts(toy_course: Course, tmp_path: Path) -> None:
    # A wrong answer whose error message quotes the hidden test's own line back.
    quoting = ("import inspect\ndef mean(xs):\n    frame = inspect.currentframe().f_back\n"
               "    raise ValueError(''.join(inspect.getframeinfo(frame).code_context or []))")
    submission = tmp_path / TOY_NOTEBOOK
    nbformat.write(with_answer(solution(toy_course), "mean", quoting), submission)
    out = tmp_path / "out"
    grade(toy_course, "toy", submission, out)
    hidden_line = "assert math.isclose(mean([0.5] * 7 + [4.0]), 0.9375)"
    for artifact in ("results.json", "feedback.html", "gradescope.json"):
        text = (out / artifact).read_text()
        assert "mean([0.5] * 7 + [4.0])" not in text, artifact
        assert "BEGIN HIDDEN" not in text and "add(_i, 2 * _i)" not in text, artifact
    assert hidden_line not in (out / "results.json").read_text()


def test_usage_errors_exit_2(toy_course: Course, tmp_path: Path) -> None:
    from conftest import run_cli

    missing = run_cli("grade", "toy", str(tmp_path / "nope.ipynb"), str(tmp_path / "out"), cwd=toy_course.root)
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    unknown = run_cli("grade", "nope", str(tmp_path), str(tmp_path / "out"), cwd=toy_course.root)
    assert unknown.returncode == 2 and "unknown assignment 'nope'" in unknown.stderr
    bad_limit = run_cli("grade", "toy", str(tmp_path), str(tmp_path / "o"), "--limit", "speed=9", cwd=toy_course.root)
    assert bad_limit.returncode == 2 and "unknown limit 'speed'" in bad_limit.stderr
