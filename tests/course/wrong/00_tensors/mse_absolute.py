# notebook: tensors.ipynb
# cell: mse
# loses: test_mse, test_mse_hidden
# why: takes the mean absolute error instead of squaring the differences
def mse(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return (pred - target).abs().mean()
