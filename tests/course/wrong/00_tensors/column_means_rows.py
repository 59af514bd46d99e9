# notebook: tensors.ipynb
# cell: column_means
# loses: test_column_means, test_column_means_hidden
# why: reduces along dim=1, which averages each row instead of each column
def column_means(x: torch.Tensor) -> torch.Tensor:
    return x.float().mean(dim=1)
