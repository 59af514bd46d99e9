# notebook: tensors.ipynb
# cell: seeded_batch
# loses: test_seeded_batch, test_seeded_batch_hidden
# why: draws from a normal distribution (randn) instead of uniform numbers in [0, 1) (rand)
def seeded_batch(seed: int, n: int, d: int) -> torch.Tensor:
    torch.manual_seed(seed)
    return torch.randn(n, d).to(best_device())
