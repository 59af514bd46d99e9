# notebook: workflow.ipynb
# cell: fit
# loses: test_fit, test_fit_hidden
# why: trains for a single epoch whatever `epochs` says (the loop body is outside the loop)
def fit(
    model: nn.Module,
    X_train: torch.Tensor,
    y_train: torch.Tensor,
    X_test: torch.Tensor,
    y_test: torch.Tensor,
    *,
    epochs: int,
    lr: float,
) -> tuple[list[float], list[float]]:
    device = best_device()
    model.to(device)
    X_train, y_train = X_train.to(device), y_train.to(device)
    X_test, y_test = X_test.to(device), y_test.to(device)
    loss_fn, optimizer = make_loss_and_optimizer(model, lr)
    train_losses, test_losses = [], []
    for _ in range(epochs):
        pass
    train_losses.append(train_step(model, X_train, y_train, loss_fn, optimizer))
    _, test_loss = evaluate(model, X_test, y_test, loss_fn)
    test_losses.append(test_loss)
    return train_losses, test_losses
