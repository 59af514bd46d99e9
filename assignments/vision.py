"""Offline images for the computer-vision assignment: scikit-learn's digits as tensors, a split, plots.

The digits are 1,797 grayscale images of 8x8 pixels (values 0 to 16) shipped
inside scikit-learn, so nothing is downloaded. Everything here is deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

DIGIT_CLASSES = [str(digit) for digit in range(10)]


def load_digits_hwc() -> tuple[torch.Tensor, torch.Tensor]:
    """The digits as images are stored on disk: uint8 (N, H, W, C) = (1797, 8, 8, 1), values 0 to 255.

    Returns `(images, labels)`; labels are int64 of shape (N,), the digit each image shows.
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    pixels = torch.from_numpy(digits.images).to(torch.float64)  # (N, 8, 8), values 0..16
    images = (pixels * (255.0 / 16.0)).round().to(torch.uint8).unsqueeze(-1)
    labels = torch.from_numpy(digits.target).to(torch.int64)
    return images, labels


def load_digits_nchw() -> tuple[torch.Tensor, torch.Tensor]:
    """The digits ready for a model: float32 (N, C, H, W) = (1797, 1, 8, 8) in [0, 1], and int64 labels (N,)."""
    images, labels = load_digits_hwc()
    return images.permute(0, 3, 1, 2).to(torch.float32) / 255.0, labels


def train_test_split(
    images: torch.Tensor, labels: torch.Tensor, *, test_fraction: float = 0.2, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """A seeded random split: `(train_images, train_labels, test_images, test_labels)`.

    Images and labels are permuted together, so each image keeps its label.
    """
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels; they must pair up one to one")
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(seed))
    n_test = int(round(len(images) * test_fraction))
    test, train = order[:n_test], order[n_test:]
    return images[train], labels[train], images[test], labels[test]


def show_images(
    images: torch.Tensor,
    labels: torch.Tensor | Sequence[int],
    predictions: torch.Tensor | Sequence[int] | None = None,
    *,
    count: int = 12,
    columns: int = 6,
    class_names: Sequence[str] = DIGIT_CLASSES,
) -> None:
    """Plot the first `count` images of an (N, C, H, W) or (N, H, W) batch with their labels.

    With `predictions`, each title reads "pred / true", green when right and red when wrong.
    """
    import matplotlib.pyplot as plt

    images = images.detach().to("cpu", torch.float32)
    if images.ndim == 4:
        images = images.permute(0, 2, 3, 1)  # matplotlib wants (H, W, C)
        if images.shape[-1] == 1:
            images = images[..., 0]
    count = min(count, len(images))
    rows = max(1, -(-count // columns))
    figure, axes = plt.subplots(rows, columns, figsize=(1.6 * columns, 1.8 * rows), squeeze=False)
    for index, axis in enumerate(axes.flat):
        axis.axis("off")
        if index >= count:
            continue
        axis.imshow(images[index].numpy(), cmap="gray_r" if images[index].ndim == 2 else None)
        true = class_names[int(labels[index])]
        if predictions is None:
            axis.set_title(true, fontsize=10)
        else:
            guess = class_names[int(predictions[index])]
            axis.set_title(f"{guess} / {true}", fontsize=10, color="green" if guess == true else "red")
    figure.tight_layout()
    plt.show()


def plot_curves(history: dict[str, list[float]], *, title: str = "") -> None:
    """Plot each list in `history` (a loss or an accuracy per epoch) against the epoch number."""
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(9, 3))
    for name, values in history.items():
        axis = axes[1] if "acc" in name else axes[0]
        axis.plot(range(1, len(values) + 1), values, marker="o", label=name)
    for axis, ylabel in zip(axes, ("loss", "accuracy")):
        axis.set_xlabel("epoch")
        axis.set_ylabel(ylabel)
        if axis.lines:
            axis.legend()
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    plt.show()


def plot_confusion_matrix(matrix: torch.Tensor, *, class_names: Sequence[str] = DIGIT_CLASSES) -> None:
    """Show a (K, K) confusion matrix: rows are the true classes, columns the predicted ones."""
    import matplotlib.pyplot as plt

    matrix = matrix.detach().to("cpu")
    figure, axis = plt.subplots(figsize=(4.5, 4.5))
    axis.imshow(matrix.numpy(), cmap="Blues")
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            value = int(matrix[i, j])
            if value:
                axis.text(j, i, str(value), ha="center", va="center", fontsize=8,
                          color="white" if value > matrix.max() / 2 else "black")
    axis.set_xticks(range(len(class_names)), class_names)
    axis.set_yticks(range(len(class_names)), class_names)
    axis.set_xlabel("predicted")
    axis.set_ylabel("true")
    figure.tight_layout()
    plt.show()
