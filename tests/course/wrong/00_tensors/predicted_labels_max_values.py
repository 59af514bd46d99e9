# notebook: tensors.ipynb
# cell: predicted_labels
# loses: test_predicted_labels, test_predicted_labels_hidden
# why: returns the largest scores themselves instead of their positions
def predicted_labels(scores: torch.Tensor) -> torch.Tensor:
    return scores.max(dim=1).values
