# notebook: classification.ipynb
# cell: predict_binary
# loses: test_predict_binary_hidden
# why: squeeze() with no dimension also drops the batch dimension, so a batch of one becomes a 0-dim tensor
def predict_binary(logits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    probabilities = torch.sigmoid(logits).squeeze()
    labels = torch.round(probabilities)
    return probabilities, labels
