# notebook: workflow.ipynb
# cell: loss_optimizer
# loses: test_loss_optimizer, test_loss_optimizer_hidden
# why: uses the mean squared error instead of the mean absolute error asked for
def make_loss_and_optimizer(model: nn.Module, lr: float) -> tuple[nn.Module, torch.optim.Optimizer]:
    return nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=lr)
