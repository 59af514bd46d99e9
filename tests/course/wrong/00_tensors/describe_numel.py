# notebook: tensors.ipynb
# cell: describe
# loses: test_describe, test_describe_hidden
# why: confuses the number of dimensions with the number of elements
def describe(t: torch.Tensor) -> tuple[tuple[int, ...], int, torch.dtype]:
    return tuple(t.shape), t.numel(), t.dtype
