# notebook: workflow.ipynb
# cell: train_step
# loses: test_train_step, test_train_step_hidden
# why: returns the loss tensor, graph and all, instead of its value as a float
def train_step(
    model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn: nn.Module, optimizer: torch.optim.Optimizer
) -> float:
    model.train()
    loss = loss_fn(model(X), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss
