"""The one result model every output format renders: versioned, typed, JSON-serialisable.

Its JSON Schema is `autograder/schema/results.schema.json`; tests validate
every results.json the grader writes against it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import Enum
from importlib import resources
from typing import Any

RESULTS_VERSION = 1
MESSAGE_LIMIT = 500


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"  # for a test: it could not run; for a result: nothing could run


@dataclass
class TestResult:
    """One test cell's verdict. `name` is its grade id; hidden tests never carry their code."""

    __test__ = False  # a result, not a pytest test class

    name: str
    notebook: str
    status: Status
    score: float
    max_score: float
    message: str = ""
    hidden: bool = False

    def __post_init__(self) -> None:
        self.status = Status(self.status)
        if len(self.message) > MESSAGE_LIMIT:
            self.message = self.message[: MESSAGE_LIMIT - 1] + "…"


@dataclass
class Result:
    """A whole submission's verdict, tests in notebook order."""

    assignment: str
    status: Status
    score: float
    max_score: float
    tests: list[TestResult] = field(default_factory=list)
    message: str = ""
    student: str | None = None
    duration_s: float = 0.0
    seed: int | None = None  # what the hidden tests' inputs were drawn from (`autograder grade --seed` repeats it)
    version: int = RESULTS_VERSION

    def __post_init__(self) -> None:
        self.status = Status(self.status)

    @classmethod
    def from_tests(
        cls, *, assignment: str, tests: list[TestResult], message: str = "", student: str | None = None,
        duration_s: float = 0.0, seed: int | None = None,
    ) -> Result:
        """Totals and overall status derived from the tests: `error` only when no test ran at all."""
        ran = [t for t in tests if t.status is not Status.ERROR]
        if not ran:
            status = Status.ERROR
        elif all(t.status is Status.PASS for t in tests):
            status = Status.PASS
        else:
            status = Status.FAIL
        return cls(
            assignment=assignment,
            status=status,
            score=round(sum(t.score for t in tests), 6),
            max_score=round(sum(t.max_score for t in tests), 6),
            tests=tests,
            message=message or ("nothing could be graded" if status is Status.ERROR else ""),
            student=student,
            duration_s=round(duration_s, 3),
            seed=seed,
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        for test in data["tests"]:
            test["status"] = Status(test["status"]).value
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        tests = [TestResult(**t) for t in data.get("tests", [])]
        return cls(**{**data, "tests": tests})


def schema() -> dict[str, Any]:
    """The published JSON Schema of results.json."""
    text = resources.files("autograder").joinpath("schema/results.schema.json").read_text(encoding="utf-8")
    return json.loads(text)
