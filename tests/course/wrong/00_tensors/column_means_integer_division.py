# notebook: tensors.ipynb
# cell: column_means
# loses: test_column_means, test_column_means_hidden
# why: avoids the float conversion with integer division, which truncates and leaves an int64 tensor
def column_means(x: torch.Tensor) -> torch.Tensor:
    return x.sum(dim=0) // x.shape[0]
