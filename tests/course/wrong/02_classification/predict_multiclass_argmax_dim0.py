# notebook: classification.ipynb
# cell: predict_multiclass
# loses: test_predict_multiclass, test_predict_multiclass_hidden
# why: argmax over dim 0 picks, for each class, the point that likes it most: k labels instead of n
def predict_multiclass(logits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    probabilities = torch.softmax(logits, dim=1)
    labels = probabilities.argmax(dim=0)
    return probabilities, labels
