# notebook: tensors.ipynb
# cell: pairwise_dot
# loses: test_pairwise_dot, test_pairwise_dot_hidden
# why: transposes the first matrix, so the inner dimension is n and the result is (k, k), not (n, n)
def pairwise_dot(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return a.T @ b
