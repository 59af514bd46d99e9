# notebook: tensors.ipynb
# cell: pairwise_dot
# loses: test_pairwise_dot, test_pairwise_dot_hidden
# why: multiplies element-wise instead of a matrix product
def pairwise_dot(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return (a * b).sum(dim=1)
