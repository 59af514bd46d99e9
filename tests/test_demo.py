"""The README's first command, run as a user runs it: the demo grades the bundled samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO, run_cli

pytestmark = pytest.mark.slow


def test_demo_grades_the_samples(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    done = run_cli("demo", "--target", str(target), cwd=REPO, timeout=600)
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line.split() for line in done.stdout.splitlines() if line.split()}
    status = rows["student"].index("status")  # the summary table's header row names its columns
    assert rows["alice"][status] == "pass" and rows["bob"][status] == "fail" and rows["carol"][status] == "error"
    assert {rows[student][rows["student"].index("assignment")] for student in ("alice", "bob", "carol")} == {"00_tensors"}
    results = {
        student: json.loads((target / "feedback" / student / "00_tensors" / "results.json").read_text())
        for student in ("alice", "bob", "carol")
    }
    assert results["alice"]["score"] == results["alice"]["max_score"]
    assert 0 < results["bob"]["score"] < results["bob"]["max_score"]
    failed = {t["name"] for t in results["bob"]["tests"] if t["status"] == "fail"}
    assert failed == {"test_pairwise_dot", "test_pairwise_dot_hidden", "test_column_means", "test_column_means_hidden"}
    assert "is not valid notebook JSON" in results["carol"]["message"]
    assert "feedback for each student" in done.stdout and str(target / "feedback") in done.stdout
    assert (target / "gradebook.db").is_file()
