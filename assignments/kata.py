"""In-notebook checks for students: `exercise("pairwise_dot").check()` and `exercise("pairwise_dot").hint()`.

Why: a student wants a quick, friendly verdict on one exercise while working,
without running the whole notebook or the grader. `check()` runs only the
visible tests of that exercise, as released (see `assignments.visible`: never
from source/ or solutions/), in a copy of the notebook's namespace, and turns
the outcome into a short sentence. A pass says nothing about the hidden tests,
which run only when the notebook is graded. `hint()` shows the exercise's hint
from `assignments/hints/<assignment>.toml`, keyed by the answer cell's grade id.

Neither ever raises: a check left in a submitted notebook must not break grading.
"""

from __future__ import annotations

import html
import inspect
import tomllib
import traceback
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from . import visible

Outcome = Literal["pass", "fail", "not attempted", "error"]
SYMBOL: dict[str, str] = {"pass": "✅", "fail": "❌", "not attempted": "✏️", "error": "⚠️"}


@dataclass(frozen=True)
class TestOutcome:
    """The verdict of one visible test cell."""

    name: str
    outcome: Outcome
    message: str = ""


@dataclass(frozen=True)
class Verdict:
    """Everything `check()` shows: the outcome of each visible test, or why there were none to run."""

    exercise: str
    tests: tuple[TestOutcome, ...] = ()
    problem: str = ""

    @property
    def outcome(self) -> Outcome:
        if self.problem:
            return "error"
        for kind in ("not attempted", "error", "fail"):
            if any(t.outcome == kind for t in self.tests):
                return kind  # type: ignore[return-value]
        return "pass"

    @property
    def passed(self) -> bool:
        return self.outcome == "pass" and bool(self.tests)

    def text(self) -> str:
        """One or a few sentences a student reads."""
        name = self.exercise
        if self.problem:
            return f"{SYMBOL['error']} {name}: {self.problem}"
        if not self.tests:
            return f"{SYMBOL['pass']} {name}: there are no visible tests for this exercise; it is graded by hidden tests."
        if self.passed:
            count = len(self.tests)
            return (f"{SYMBOL['pass']} {name}: correct on the visible tests ({count} of {count} passed). "
                    "The hidden tests try other inputs when your notebook is graded.")
        if self.outcome == "not attempted":
            return (f"{SYMBOL['not attempted']} {name}: not attempted yet: replace `raise NotImplementedError()` "
                    "with your code, then run that cell and this one again.")
        first = next(t for t in self.tests if t.outcome != "pass")
        passed = sum(t.outcome == "pass" for t in self.tests)
        return (f"{SYMBOL[first.outcome]} {name}: {passed} of {len(self.tests)} visible tests passed. "
                f"{first.name}: {first.message}\nStuck? Try exercise({name!r}).hint()")

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        colour = {"pass": "#1a7f37", "fail": "#cf222e", "not attempted": "#9a6700", "error": "#cf222e"}[self.outcome]
        body = html.escape(self.text()).replace("\n", "<br>")
        return f'<div class="kata-check" style="color: {colour}; font-family: sans-serif">{body}</div>'


@dataclass(frozen=True)
class Hint:
    """A hint as displayed in the notebook."""

    exercise: str
    text: str

    def __str__(self) -> str:
        return f"💡 Hint ({self.exercise}): {self.text}"

    def _repr_html_(self) -> str:
        return (f'<div class="kata-hint" style="color: #0969da; font-family: sans-serif">'
                f"{html.escape(str(self))}</div>")


def load_hints(assignment: str) -> dict[str, str]:
    """The hints of one assignment: answer-cell grade id → text ({} when the file is missing)."""
    folder = resources.files(__package__).joinpath("hints")
    path = folder.joinpath(f"{assignment}.toml")
    if not path.is_file():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {key: str(value).strip() for key, value in data.items() if isinstance(value, str)}


def hint_assignments() -> list[str]:
    """Assignments that have a hint file, by file name."""
    folder = resources.files(__package__).joinpath("hints")
    return sorted(Path(p.name).stem for p in folder.iterdir() if p.name.endswith(".toml"))


def _classify(error: BaseException) -> tuple[Outcome, str]:
    if isinstance(error, NotImplementedError):
        return "not attempted", "your function still raises NotImplementedError"
    if isinstance(error, AssertionError):
        return "fail", str(error) or "a check failed"
    if isinstance(error, NameError):
        return "error", (f"{error}: run the cells above first (the imports and your own code), "
                         "e.g. with Run > Run All Above Selected Cell")
    where = traceback.extract_tb(error.__traceback__)
    line = f" (at `{where[-1].line}`)" if where and where[-1].line else ""
    return "error", f"your code raised {type(error).__name__}: {error}{line}"


def run_tests(found: visible.Found, namespace: dict[str, Any]) -> tuple[TestOutcome, ...]:
    """Run the visible tests in order, in one shared copy of the notebook's namespace.

    A copy, so the tests' private variables do not land among the student's; the
    student's functions still see their own globals.
    """
    scope = dict(namespace)
    outcomes = []
    for test in found.tests:
        try:
            exec(compile(test.code, f"<visible test {test.name}>", "exec"), scope)  # noqa: S102
        except Exception as error:  # a test's verdict is whatever it raised
            outcome, message = _classify(error)
            outcomes.append(TestOutcome(test.name, outcome, message))
        else:
            outcomes.append(TestOutcome(test.name, "pass"))
    return tuple(outcomes)


def _display(value: object) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        print(value)
        return
    if get_ipython() is None:
        print(value)
    else:
        display(value)


@dataclass
class Exercise:
    """One exercise, named by its answer cell's grade id (the function or class name it asks for)."""

    name: str
    assignment: str | None = None
    cwd: Path | None = None
    release: Path | None = None
    _found: visible.Found | None = field(default=None, repr=False)

    def locate(self) -> visible.Found | None:
        if self._found is None:
            self._found = visible.find(self.name, assignment=self.assignment, cwd=self.cwd, release=self.release)
        return self._found

    def verdict(self, namespace: dict[str, Any] | None = None) -> Verdict:
        """The verdict of the visible tests, run against `namespace` (default: the caller's globals)."""
        if namespace is None:
            frame = inspect.currentframe()
            namespace = frame.f_back.f_globals if frame and frame.f_back else {}
        try:
            found = self.locate()
        except Exception as error:  # a broken notebook in the folder must not raise in the student's face
            return Verdict(self.name, problem=f"could not read the released notebook ({error})")
        if found is None:
            known = visible.known_exercises(cwd=self.cwd, release=self.release)
            listed = ", ".join(known[:40]) or "none"
            return Verdict(self.name, problem=(f"no exercise called {self.name!r} in the released notebooks here; "
                                               f"the exercises are: {listed}"))
        return Verdict(self.name, tests=run_tests(found, namespace))

    def check(self, namespace: dict[str, Any] | None = None) -> None:
        """Show whether the visible tests of this exercise pass, and what to look at if not."""
        if namespace is None:
            frame = inspect.currentframe()
            namespace = frame.f_back.f_globals if frame and frame.f_back else {}
        _display(self.verdict(namespace))

    def hint_text(self) -> str:
        """The hint, or a sentence saying there is none."""
        assignment = self.assignment
        if assignment is None:
            try:
                found = self.locate()
            except Exception:  # an unreadable notebook: look the name up in every hint file instead
                found = None
            assignment = found.assignment if found else None
        candidates = [assignment] if assignment else hint_assignments()
        for name in candidates:
            text = load_hints(name).get(self.name)
            if text:
                return text
        return "there is no hint for this exercise; reread its description and the message of its test."

    def hint(self) -> None:
        """Show the hint for this exercise."""
        _display(Hint(self.name, self.hint_text()))


def exercise(name: str, assignment: str | None = None) -> Exercise:
    """The exercise whose answer cell has grade id `name`, e.g. `exercise("pairwise_dot")`.

    Give `assignment` (e.g. "03_vision") only when the name is ambiguous and the
    notebook is not in the working folder: several assignments have a `train_step`.
    """
    return Exercise(name=name, assignment=assignment)
