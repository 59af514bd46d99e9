# notebook: workflow.ipynb
# cell: train_step
# loses: test_train_step_hidden
# why: ignores the loss function it is given and always uses the mean absolute error
def train_step(
    model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn: nn.Module, optimizer: torch.optim.Optimizer
) -> float:
    model.train()
    loss = (model(X) - y).abs().mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()
