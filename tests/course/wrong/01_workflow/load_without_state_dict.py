# notebook: workflow.ipynb
# cell: save_load
# loses: test_save_load, test_save_load_hidden
# why: makes a new model but never loads the saved parameters into it
def save_model(model: nn.Module, path: Path) -> None:
    torch.save(model.state_dict(), path)


def load_model(path: Path) -> LinearRegressionModel:
    model = LinearRegressionModel()
    torch.load(path)
    return model
