# notebook: workflow.ipynb
# cell: train_step
# loses: test_train_step, test_train_step_hidden, test_fit, test_fit_hidden
# why: zeroes the gradients between backward() and step(), so every step moves by zero
def train_step(
    model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn: nn.Module, optimizer: torch.optim.Optimizer
) -> float:
    model.train()
    loss = loss_fn(model(X), y)
    loss.backward()
    optimizer.zero_grad()
    optimizer.step()
    return loss.item()
