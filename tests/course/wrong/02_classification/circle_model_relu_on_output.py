# notebook: classification.ipynb
# cell: circle_model
# loses: test_circle_model_training
# why: a ReLU after the output layer clips every negative logit to 0 (probability 0.5), so the loss cannot fall
class CircleModel(nn.Module):
    def __init__(self, hidden: int = 16) -> None:
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1), nn.ReLU()
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)
