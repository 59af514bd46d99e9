# notebook: workflow.ipynb
# cell: loss_optimizer
# loses: test_loss_optimizer_hidden
# why: hard-codes the learning rate 0.01 of the example and ignores the lr argument
def make_loss_and_optimizer(model: nn.Module, lr: float) -> tuple[nn.Module, torch.optim.Optimizer]:
    return nn.L1Loss(), torch.optim.SGD(model.parameters(), lr=0.01)
