# notebook: workflow.ipynb
# cell: evaluate
# loses: test_evaluate, test_evaluate_hidden
# why: forgets model.eval(), so dropout still drops units while the model is being evaluated
def evaluate(model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn: nn.Module) -> tuple[torch.Tensor, float]:
    with torch.inference_mode():
        predictions = model(X)
        loss = loss_fn(predictions, y)
    return predictions, loss.item()
