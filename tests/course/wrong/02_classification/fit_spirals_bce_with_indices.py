# notebook: classification.ipynb
# cell: fit_spirals
# loses: test_fit_spirals, test_fit_spirals_training
# why: uses the binary loss for a multi-class problem: BCEWithLogitsLoss wants (n, k) float targets, not class indices
def fit_spirals(X: torch.Tensor, y: torch.Tensor, num_classes: int) -> nn.Module:
    model = nn.Sequential(
        nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, num_classes)
    ).to(X.device)
    train(model, X, y, nn.BCEWithLogitsLoss(), steps=400, lr=0.02)
    return model
