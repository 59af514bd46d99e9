# notebook: tensors.ipynb
# cell: to_channels_first
# loses: test_to_channels_first, test_to_channels_first_hidden
# why: permutes to (n, c, w, h), transposing every image
def to_channels_first(images: torch.Tensor) -> torch.Tensor:
    return images.permute(0, 3, 2, 1)
