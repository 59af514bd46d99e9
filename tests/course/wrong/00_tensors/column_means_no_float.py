# notebook: tensors.ipynb
# cell: column_means
# loses: test_column_means, test_column_means_hidden
# why: calls mean on the integer tensor, which PyTorch refuses
def column_means(x: torch.Tensor) -> torch.Tensor:
    return x.mean(dim=0)
