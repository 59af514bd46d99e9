# notebook: workflow.ipynb
# cell: make_line_data
# loses: test_make_line_data, test_make_line_data_hidden
# why: uses linspace with 50 points, which includes the end and ignores the step
def make_line_data(
    weight: float, bias: float, start: float = 0.0, end: float = 1.0, step: float = 0.02
) -> tuple[torch.Tensor, torch.Tensor]:
    X = torch.linspace(start, end, 50).unsqueeze(dim=1)
    y = weight * X + bias
    return X, y
