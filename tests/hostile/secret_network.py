"""An answer that needs the network (to fetch answers, or to send the tests away) finds none."""

from __future__ import annotations

from hostile.corpus import ADD_TESTS, Case, answer

CODE = r'''
import socket

def add(a: int, b: int) -> int:
    socket.create_connection(("1.1.1.1", 53), timeout=3)
    return a + b
'''

CASE = Case(
    attack="open a connection to the outside world from inside a test",
    edits=(answer("add", CODE),),
    max_score=4,
    must_fail=ADD_TESTS,
    messages={"test_add": "Network is unreachable"},
)
