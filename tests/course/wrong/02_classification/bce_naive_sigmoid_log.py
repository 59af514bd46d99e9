# notebook: classification.ipynb
# cell: bce_with_logits
# loses: test_bce_stable
# why: takes the log of sigmoid(z); correct for moderate logits, but log(1 - sigmoid(40)) = log(0) = -inf
def bce_with_logits(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    p = torch.sigmoid(logits)
    return -(targets * torch.log(p) + (1 - targets) * torch.log(1 - p)).mean()
