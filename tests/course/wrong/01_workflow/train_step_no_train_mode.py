# notebook: workflow.ipynb
# cell: train_step
# loses: test_train_step_hidden
# why: forgets model.train(), so after an evaluation the model keeps training in eval mode
def train_step(
    model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn: nn.Module, optimizer: torch.optim.Optimizer
) -> float:
    loss = loss_fn(model(X), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()
