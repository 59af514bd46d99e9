# notebook: workflow.ipynb
# cell: model
# loses: test_model, test_model_hidden
# why: creates the bias but forgets to add it in forward
class LinearRegressionModel(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.weights = nn.Parameter(torch.randn(1))
        self.bias = nn.Parameter(torch.randn(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.weights * x
