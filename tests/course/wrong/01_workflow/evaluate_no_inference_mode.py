# notebook: workflow.ipynb
# cell: evaluate
# loses: test_evaluate, test_evaluate_hidden
# why: predicts outside inference mode, so autograd records a graph for predictions that are never trained on
def evaluate(model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn: nn.Module) -> tuple[torch.Tensor, float]:
    model.eval()
    predictions = model(X)
    loss = loss_fn(predictions, y)
    return predictions, loss.item()
