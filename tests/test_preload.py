"""What a warm-start template preloads: read from the notebooks' code and the course package's, never imported."""

from __future__ import annotations

import sys

from conftest import REPO
from autograder import preload


def test_imports_anywhere_in_the_code_count_and_magics_do_not_hide_them() -> None:
    code = "%matplotlib inline\nimport numpy as np\n\ndef plot():\n    import matplotlib.pyplot as plt\n"
    assert preload.imported_by(code) == ["numpy", "matplotlib.pyplot"]


def test_names_imported_from_the_course_package_may_be_its_modules() -> None:
    assert preload.imported_by("from assignments import checks, workflow") == [
        "assignments", "assignments.checks", "assignments.workflow",
    ]
    assert preload.imported_by("from . import catalog", package="assignments") == ["assignments", "assignments.catalog"]


def test_the_course_package_is_followed_to_what_its_modules_import() -> None:
    modules = preload.for_code(["from assignments.workflow import plot_predictions"])
    assert modules[: len(preload.KERNEL)] == preload.KERNEL
    chosen = modules[len(preload.KERNEL):]
    # workflow imports matplotlib.pyplot and torch; torch brings torch._dynamo, which its own functions import.
    assert {"assignments.workflow", "matplotlib.pyplot", "torch", "torch._dynamo"} <= set(chosen)
    assert "assignments.workflow.plot_predictions" not in chosen, "a function is not a module"
    assert not any(name.startswith("sklearn") for name in chosen)


def test_each_assignment_preloads_what_its_notebooks_use() -> None:
    tensors = preload.for_notebooks(REPO / "source" / "00_tensors")
    assert {"torch", "numpy", "assignments.checks"} <= set(tensors)
    assert "sklearn" not in tensors and "matplotlib.pyplot" not in tensors
    assert set(preload.for_notebooks(REPO / "source" / "no_such_assignment")) == set(preload.KERNEL)


def test_nothing_is_imported_to_find_out() -> None:
    before = set(sys.modules)
    preload.for_notebooks(REPO / "source" / "01_workflow")
    assert not {name for name in set(sys.modules) - before if name.split(".")[0] in {"torch", "matplotlib", "assignments"}}
