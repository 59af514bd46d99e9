# notebook: classification.ipynb
# cell: predict_binary
# loses: test_predict_binary, test_predict_binary_hidden
# why: softmax over a single logit per row: every probability is 1.0 and every label 1.0
def predict_binary(logits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    probabilities = torch.softmax(logits, dim=1)[:, 0]
    labels = (probabilities > 0.5).float()
    return probabilities, labels
