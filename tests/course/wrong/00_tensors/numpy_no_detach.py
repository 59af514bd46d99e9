# notebook: tensors.ipynb
# cell: numpy_round_trip
# loses: test_to_numpy, test_numpy_hidden
# why: calls .numpy() on a tensor that tracks gradients without detaching it first
def to_model_input(array: np.ndarray, device: torch.device) -> torch.Tensor:
    return torch.tensor(array, dtype=torch.float32, device=device)


def to_numpy(t: torch.Tensor) -> np.ndarray:
    return t.cpu().numpy()
