# notebook: workflow.ipynb
# cell: split_data
# loses: test_split_data, test_split_data_hidden
# why: returns the parts in scikit-learn's order (X_train, X_test, y_train, y_test)
def split_data(
    X: torch.Tensor, y: torch.Tensor, train_fraction: float = 0.8
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    n_train = int(train_fraction * len(X))
    return X[:n_train], X[n_train:], y[:n_train], y[n_train:]
