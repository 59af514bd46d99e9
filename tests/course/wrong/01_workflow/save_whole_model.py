# notebook: workflow.ipynb
# cell: save_load
# loses: test_save_load, test_save_load_hidden
# why: pickles the whole model object instead of its state_dict
def save_model(model: nn.Module, path: Path) -> None:
    torch.save(model, path)


def load_model(path: Path) -> LinearRegressionModel:
    return torch.load(path, weights_only=False)
