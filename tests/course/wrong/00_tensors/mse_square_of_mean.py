# notebook: tensors.ipynb
# cell: mse
# loses: test_mse, test_mse_hidden
# why: averages the differences first and squares afterwards, so errors of opposite signs cancel
def mse(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return (pred - target).mean() ** 2
