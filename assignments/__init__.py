"""The course's own package: catalog, offline data, plots and teacher-like checks.

Notebooks import it (`from assignments import checks`), so everything here must
run offline, on the CPU or a GPU, inside the grading sandbox.
"""
