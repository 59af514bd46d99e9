# notebook: classification.ipynb
# cell: predict_binary
# loses: test_predict_binary, test_predict_binary_hidden
# why: rounds the logits instead of thresholding the probabilities, so labels come out as -1.0, 2.0, ...
def predict_binary(logits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    probabilities = torch.sigmoid(logits[:, 0])
    labels = torch.round(logits[:, 0])
    return probabilities, labels
