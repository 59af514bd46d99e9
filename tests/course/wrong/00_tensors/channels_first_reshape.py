# notebook: tensors.ipynb
# cell: to_channels_first
# loses: test_to_channels_first, test_to_channels_first_hidden
# why: reshapes instead of permuting: the shape is right but the pixels are scrambled
def to_channels_first(images: torch.Tensor) -> torch.Tensor:
    n, h, w, c = images.shape
    return images.reshape(n, c, h, w)
