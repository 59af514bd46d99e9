# notebook: classification.ipynb
# cell: train
# loses: test_train_hidden, test_train_training
# why: never zeroes the gradients, so each backward() adds to every gradient before it
def train(model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn, steps: int = 300, lr: float = 0.02) -> list[float]:
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
