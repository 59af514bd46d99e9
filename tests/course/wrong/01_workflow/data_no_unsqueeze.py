# notebook: workflow.ipynb
# cell: make_line_data
# loses: test_make_line_data, test_make_line_data_hidden
# why: leaves X as a vector of shape (n,) instead of a column of shape (n, 1)
def make_line_data(
    weight: float, bias: float, start: float = 0.0, end: float = 1.0, step: float = 0.02
) -> tuple[torch.Tensor, torch.Tensor]:
    X = torch.arange(start, end, step)
    y = weight * X + bias
    return X, y
