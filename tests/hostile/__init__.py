"""Hostile submissions, one module per case; `corpus` holds the case type and the edits (see test_hostile.py)."""
