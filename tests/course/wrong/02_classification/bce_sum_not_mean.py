# notebook: classification.ipynb
# cell: bce_with_logits
# loses: test_bce, test_bce_hidden
# why: sums the per-point losses instead of averaging them, so the loss grows with the batch size
def bce_with_logits(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return -(targets * F.logsigmoid(logits) + (1 - targets) * F.logsigmoid(-logits)).sum()
