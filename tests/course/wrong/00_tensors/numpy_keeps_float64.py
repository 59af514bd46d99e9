# notebook: tensors.ipynb
# cell: numpy_round_trip
# loses: test_to_model_input, test_numpy_hidden
# why: torch.from_numpy keeps NumPy's float64, which clashes with float32 models
def to_model_input(array: np.ndarray, device: torch.device) -> torch.Tensor:
    return torch.from_numpy(array).to(device)


def to_numpy(t: torch.Tensor) -> np.ndarray:
    return t.detach().cpu().numpy()
