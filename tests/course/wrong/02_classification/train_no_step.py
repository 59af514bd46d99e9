# notebook: classification.ipynb
# cell: train
# loses: test_train, test_train_hidden, test_train_training
# why: computes the gradients but never calls optimizer.step(), so the weights never change
def train(model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn, steps: int = 300, lr: float = 0.02) -> list[float]:
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = loss_fn(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        losses.append(loss.item())
    return losses
