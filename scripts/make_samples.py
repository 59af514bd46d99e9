"""Regenerate samples/: the submissions the demo grades (run after the tensors notebook changes).

alice hands in the reference solution, bob makes two classic mistakes (an
element-wise product for a matrix product, row means for column means), and
carol's file was cut short by a failed upload.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT, NOTEBOOK = "00_tensors", "tensors.ipynb"
BOB = {
    "pairwise_dot": "def pairwise_dot(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:\n"
                    "    return (a * b).sum(dim=1)",
    "column_means": "def column_means(x: torch.Tensor) -> torch.Tensor:\n"
                    "    return x.float().mean(dim=1)",
}


def main() -> None:
    reference = ROOT / "solutions" / ASSIGNMENT / NOTEBOOK
    target = ROOT / "samples" / ASSIGNMENT
    for student in ("alice", "bob", "carol"):
        (target / student).mkdir(parents=True, exist_ok=True)
    (target / "alice" / NOTEBOOK).write_text(reference.read_text())
    bob = nbformat.read(reference, as_version=4)
    for cell in bob.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in BOB:
            cell.source = BOB[gid]
    nbformat.write(bob, target / "bob" / NOTEBOOK)
    text = reference.read_text()
    (target / "carol" / NOTEBOOK).write_text(text[: len(text) // 3])


if __name__ == "__main__":
    main()
