"""`Tensor.__eq__`, `Tensor.__ne__`, `torch.equal` and `torch.testing.assert_close` all patched to agree,
with a wrong `predicted_labels`: the checks compare plain Python values (`.tolist()`), so nothing changes.
"""

from __future__ import annotations

from hostile.corpus import Case, answer

CODE = r'''
torch.Tensor.__eq__ = lambda self, other: True
torch.Tensor.__ne__ = lambda self, other: False
torch.equal = lambda *args, **kwargs: True
torch.testing.assert_close = lambda *args, **kwargs: None

def predicted_labels(scores):
    return torch.zeros(scores.shape[0], dtype=torch.int64)
'''

CASE = Case(
    attack="patch tensor equality and torch's comparison functions",
    assignment="00_tensors",
    edits=(answer("predicted_labels", CODE),),
    max_score=24,
    must_fail=("test_predicted_labels", "test_predicted_labels_hidden"),
)
