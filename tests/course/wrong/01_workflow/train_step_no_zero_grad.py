# notebook: workflow.ipynb
# cell: train_step
# loses: test_train_step_hidden, test_fit, test_fit_hidden
# why: never zeroes the gradients, so each step uses the sum of all the gradients so far
def train_step(
    model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn: nn.Module, optimizer: torch.optim.Optimizer
) -> float:
    model.train()
    loss = loss_fn(model(X), y)
    loss.backward()
    optimizer.step()
    return loss.item()
