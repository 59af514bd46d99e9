# notebook: classification.ipynb
# cell: accuracy
# loses: test_accuracy, test_accuracy_hidden
# why: returns the number of correct predictions, not the fraction
def accuracy(y_true: torch.Tensor, y_pred: torch.Tensor) -> float:
    return float((y_true == y_pred).sum().item())
