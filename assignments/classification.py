"""Offline data, plots and an accuracy helper for the classification assignment.

Every data set here is generated deterministically (scikit-learn's `make_circles`
and `make_moons` with a fixed `random_state`, spirals from a seeded
`torch.Generator`), so a notebook gives the same numbers on every run.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

__all__ = [
    "circles", "moons", "spirals", "split", "plot_data", "plot_decision_boundary", "accuracy_of", "check_not_affine",
]


def circles(n: int = 400, *, noise: float = 0.05, factor: float = 0.5, seed: int = 42) -> tuple[torch.Tensor, torch.Tensor]:
    """Two concentric circles: features (n, 2) float32 and labels (n,) float32 (1.0 = inner circle)."""
    from sklearn.datasets import make_circles

    X, y = make_circles(n_samples=n, noise=noise, factor=factor, random_state=seed)
    return torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)


def moons(n: int = 400, *, noise: float = 0.1, seed: int = 42) -> tuple[torch.Tensor, torch.Tensor]:
    """Two interleaved half-moons: features (n, 2) float32 and labels (n,) float32."""
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=n, noise=noise, random_state=seed)
    return torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)


def spirals(
    n_per_class: int = 100, classes: int = 3, *, noise: float = 0.2, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """`classes` interleaved spiral arms: features (n_per_class * classes, 2) float32, labels int64 in [0, classes)."""
    generator = torch.Generator().manual_seed(seed)
    radius = torch.linspace(0.0, 1.0, n_per_class)
    features, labels = [], []
    for c in range(classes):
        start = c * 2 * torch.pi / classes
        angle = torch.linspace(start, start + 1.5 * torch.pi, n_per_class)
        angle = angle + noise * torch.randn(n_per_class, generator=generator)
        features.append(torch.stack([radius * torch.sin(angle), radius * torch.cos(angle)], dim=1))
        labels.append(torch.full((n_per_class,), c, dtype=torch.int64))
    return torch.cat(features), torch.cat(labels)


def split(
    X: torch.Tensor, y: torch.Tensor, *, test_fraction: float = 0.2, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """A seeded shuffle, then (X_train, X_test, y_train, y_test)."""
    order = torch.randperm(len(X), generator=torch.Generator().manual_seed(seed))
    n_test = int(round(len(X) * test_fraction))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def _labels_from_logits(logits: torch.Tensor) -> torch.Tensor:
    """Binary logits ((n,) or (n, 1)) → 0/1 labels; multi-class logits (n, k) → class indices."""
    if logits.ndim == 2 and logits.shape[1] == 1:
        logits = logits[:, 0]
    if logits.ndim == 1:
        return (logits > 0).to(torch.int64)
    return logits.argmax(dim=1)


def accuracy_of(model: Callable[[torch.Tensor], torch.Tensor], X: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of points in X that `model` (any callable returning logits) labels as y."""
    with torch.no_grad():
        predicted = _labels_from_logits(model(X)).cpu()
    return float((predicted == y.cpu().to(torch.int64)).to(torch.float32).mean())


def check_not_affine(
    model: Callable[[torch.Tensor], torch.Tensor],
    a: torch.Tensor,
    b: torch.Tensor,
    *,
    name: str = "your model",
    tolerance: float = 1e-4,
) -> None:
    """`model` must not be affine: some pair of points (rows of a and b) must break f((a + b) / 2) = (f(a) + f(b)) / 2."""
    with torch.no_grad():
        gap = (model((a + b) / 2) - (model(a) + model(b)) / 2).abs().max().item()
    if not gap > tolerance:
        raise AssertionError(
            f"{name} is a straight line in disguise: f((a + b) / 2) equals (f(a) + f(b)) / 2 at every pair of points "
            f"(largest gap {gap:.2g}), so its decision boundary can only be a straight line. "
            "Stacked linear layers are still one linear map; put a non-linearity such as nn.ReLU() between them"
        )


def _colours(classes: int) -> dict:
    """Colour map arguments: red and blue for two classes, one distinct colour per class beyond."""
    if classes <= 2:
        return {"cmap": "coolwarm", "vmin": 0, "vmax": 1}
    return {"cmap": "tab10", "vmin": 0, "vmax": 9}


def plot_data(X: torch.Tensor, y: torch.Tensor, *, title: str | None = None, ax=None, classes: int | None = None):
    """A scatter plot of 2-D points coloured by label; returns the axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    X, y = X.detach().cpu(), y.detach().cpu()
    classes = max(int(classes or 0), int(y.max()) + 1, 2)
    ax.scatter(X[:, 0], X[:, 1], c=y, s=14, edgecolors="k", linewidths=0.3, **_colours(classes))
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    return ax


def plot_decision_boundary(
    model: Callable[[torch.Tensor], torch.Tensor],
    X: torch.Tensor,
    y: torch.Tensor,
    *,
    title: str | None = None,
    ax=None,
    resolution: int = 150,
):
    """Colour the plane by the label `model` (a callable returning logits) gives each point, then plot X, y on top."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    points = X.detach().cpu()
    low = points.min(dim=0).values - 0.2
    high = points.max(dim=0).values + 0.2
    xs = torch.linspace(float(low[0]), float(high[0]), resolution)
    ys = torch.linspace(float(low[1]), float(high[1]), resolution)
    grid_x, grid_y = torch.meshgrid(xs, ys, indexing="xy")
    grid = torch.stack([grid_x.flatten(), grid_y.flatten()], dim=1).to(X.device)
    with torch.no_grad():
        labels = _labels_from_logits(model(grid)).cpu().reshape(grid_x.shape)
    classes = max(int(labels.max()), int(y.max()), 1) + 1
    ax.contourf(grid_x, grid_y, labels, levels=torch.arange(classes + 1) - 0.5, alpha=0.35, **_colours(classes))
    score = f"accuracy {accuracy_of(model, X, y):.0%}"
    plot_data(X, y, title=f"{title}: {score}" if title else score, ax=ax, classes=classes)
    return ax
