# notebook: tensors.ipynb
# cell: numpy_round_trip
# loses: test_numpy_hidden
# why: converts every tensor to float32 on the way out, changing the dtype of float64 and integer tensors
def to_model_input(array: np.ndarray, device: torch.device) -> torch.Tensor:
    return torch.tensor(array, dtype=torch.float32, device=device)


def to_numpy(t: torch.Tensor) -> np.ndarray:
    return t.detach().cpu().float().numpy()
