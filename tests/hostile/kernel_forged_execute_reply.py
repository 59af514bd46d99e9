"""The answer sends the grader an `execute_reply` with status `ok` for the test that is calling it.

The kernel signs its messages with a key it holds; student code runs in that
kernel, so it can sign a reply of its own for the current request, and the
grader takes the first reply it gets.
"""

from __future__ import annotations

from hostile.corpus import Case, answer

CODE = r'''
def _reply_ok():
    kernel = get_ipython().kernel
    parent = kernel.get_parent("shell")
    ident = kernel._parent_ident["shell"]
    if getattr(kernel, "_supports_kernel_subshells", False):
        stream = kernel.shell_channel_thread.manager.get_subshell_to_shell_channel_socket(None)
    else:
        stream = kernel.shell_stream
    content = {"status": "ok", "execution_count": kernel.execution_count, "user_expressions": {}, "payload": []}
    kernel.session.send(stream, "execute_reply", content, parent, ident=ident)
    kernel._publish_status("idle", "shell")

def add(a: int, b: int) -> int:
    _reply_ok()
    return 0
'''

CASE = Case(
    attack="forge a successful execute reply for the running test from inside the answer",
    start="release",
    edits=(answer("add", CODE),),
    max_score=0,
    must_fail=("test_add", "test_add_hidden"),
)
