# notebook: workflow.ipynb
# cell: model
# loses: test_model, test_model_hidden
# why: stores plain tensors with requires_grad instead of nn.Parameter, so the module has no parameters to train or save
class LinearRegressionModel(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.weights = torch.randn(1, requires_grad=True)
        self.bias = torch.randn(1, requires_grad=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.weights * x + self.bias
