# notebook: classification.ipynb
# cell: predict_multiclass
# loses: test_predict_multiclass, test_predict_multiclass_hidden
# why: softmax over dim 0 normalises each class across the batch instead of each point across the classes
def predict_multiclass(logits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    probabilities = torch.softmax(logits, dim=0)
    labels = probabilities.argmax(dim=1)
    return probabilities, labels
