# notebook: classification.ipynb
# cell: bce_with_logits
# loses: test_bce, test_bce_hidden, test_bce_stable
# why: applies the cross-entropy formula to raw logits as if they were probabilities (no sigmoid): log of negatives
def bce_with_logits(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return -(targets * torch.log(logits) + (1 - targets) * torch.log(1 - logits)).mean()
