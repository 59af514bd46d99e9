"""Domain exceptions. The CLI maps them to exit codes in one place (`cli.main`)."""

from __future__ import annotations


class AutograderError(Exception):
    """Base class: a problem the user can fix; the message says what and how."""


class UsageError(AutograderError):
    """Wrong arguments or a missing course file: exit code 2."""


class LintError(AutograderError):
    """The course's source notebooks break a rule: exit code 1."""


class LeakError(AutograderError):
    """Solution code or hidden tests reached a student-facing file: exit code 1."""
