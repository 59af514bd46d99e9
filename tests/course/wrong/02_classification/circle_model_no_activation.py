# notebook: classification.ipynb
# cell: circle_model
# loses: test_circle_model, test_circle_model_training
# why: no activation between the linear layers: the model is one affine map and its boundary a straight line
class CircleModel(nn.Module):
    def __init__(self, hidden: int = 16) -> None:
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(2, hidden), nn.Linear(hidden, hidden), nn.Linear(hidden, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)
