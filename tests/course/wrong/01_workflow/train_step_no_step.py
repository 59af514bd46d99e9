# notebook: workflow.ipynb
# cell: train_step
# loses: test_train_step, test_train_step_hidden, test_fit, test_fit_hidden
# why: computes the gradients but never calls optimizer.step(), so the parameters never change
def train_step(
    model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn: nn.Module, optimizer: torch.optim.Optimizer
) -> float:
    model.train()
    loss = loss_fn(model(X), y)
    optimizer.zero_grad()
    loss.backward()
    return loss.item()
