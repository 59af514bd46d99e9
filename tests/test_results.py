"""The result model: totals, overall status, and the published JSON Schema."""

from __future__ import annotations

import jsonschema
import pytest

from autograder.results import MESSAGE_LIMIT, Result, Status, TestResult, schema


def _test(status: Status, score: float, max_score: float = 1.0) -> TestResult:
    return TestResult(name=f"t{score}", notebook="nb.ipynb", status=status, score=score, max_score=max_score)


def test_totals_and_status_derive_from_tests() -> None:
    result = Result.from_tests(assignment="a", tests=[_test(Status.PASS, 2, 2), _test(Status.FAIL, 0, 1)])
    assert (result.score, result.max_score, result.status) == (2, 3, Status.FAIL)
    assert Result.from_tests(assignment="a", tests=[_test(Status.PASS, 1)]).status is Status.PASS


def test_error_only_when_nothing_ran() -> None:
    assert Result.from_tests(assignment="a", tests=[]).status is Status.ERROR
    assert Result.from_tests(assignment="a", tests=[_test(Status.ERROR, 0)]).status is Status.ERROR
    mixed = Result.from_tests(assignment="a", tests=[_test(Status.ERROR, 0), _test(Status.PASS, 1)])
    assert mixed.status is Status.FAIL


def test_round_trip_and_schema() -> None:
    result = Result.from_tests(assignment="a", tests=[_test(Status.PASS, 1)], student="ann")
    data = result.to_dict()
    jsonschema.validate(data, schema())
    assert Result.from_dict(data) == result


def test_schema_rejects_what_the_contract_forbids() -> None:
    data = Result.from_tests(assignment="a", tests=[_test(Status.PASS, 1)]).to_dict()
    for broken in ({**data, "status": "ok"}, {**data, "extra": 1}, {k: v for k, v in data.items() if k != "tests"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema())


def test_messages_are_capped() -> None:
    test = TestResult(name="t", notebook="n", status=Status.FAIL, score=0, max_score=1, message="x" * 5000)
    assert len(test.message) == MESSAGE_LIMIT
