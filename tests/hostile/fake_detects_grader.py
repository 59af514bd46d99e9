"""An answer that plays fair at home and returns an always-equal string when it sees the grader's sandbox.

The sandbox is easy to recognise (its home folder, its hostname, no network):
detection itself cannot be prevented, so the fake must fail however it is served.
"""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, MEAN_TESTS, SHOUT_TESTS, Case, answer

CODE = r'''
import os
import socket

class _Yes(str):
    def __eq__(self, other):
        return True
    __hash__ = str.__hash__

def _graded() -> bool:
    return os.environ.get("HOME") == "/home/student" or socket.gethostname() == "sandbox"

def shout(text: str) -> str:
    return _Yes(text) if _graded() else text
'''

CASE = Case(
    attack="detect the grader from the environment and only then return a str subclass equal to anything",
    edits=(answer("shout", CODE),),
    max_score=5,
    must_fail=SHOUT_TESTS,
    must_pass=ADD_TESTS + MEAN_TESTS,
)
