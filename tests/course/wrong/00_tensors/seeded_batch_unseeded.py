# notebook: tensors.ipynb
# cell: seeded_batch
# loses: test_seeded_batch, test_seeded_batch_hidden
# why: seeds once outside the function, so the second call draws different numbers
torch.manual_seed(42)


def seeded_batch(seed: int, n: int, d: int) -> torch.Tensor:
    return torch.rand(n, d).to(best_device())
