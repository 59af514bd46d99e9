# notebook: workflow.ipynb
# cell: train_step
# loses: test_train_step, test_train_step_hidden, test_fit_hidden
# why: compares the predictions with the inputs X instead of the labels y, so the model learns the wrong line
def train_step(
    model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn: nn.Module, optimizer: torch.optim.Optimizer
) -> float:
    model.train()
    loss = loss_fn(model(X), X)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()
