# notebook: workflow.ipynb
# cell: fit
# loses: test_fit_hidden
# why: evaluates on the training data, so the recorded "test" losses say nothing about unseen data
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
    loss_fn, optimizer = make_loss_and_optimizer(model, lr)
    train_losses, test_losses = [], []
    for _ in range(epochs):
        train_losses.append(train_step(model, X_train, y_train, loss_fn, optimizer))
        _, test_loss = evaluate(model, X_train, y_train, loss_fn)
        test_losses.append(test_loss)
    return train_losses, test_losses
