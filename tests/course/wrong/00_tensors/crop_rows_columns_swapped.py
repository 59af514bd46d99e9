# notebook: tensors.ipynb
# cell: crop
# loses: test_crop, test_crop_hidden
# why: slices columns with top and rows with left (x before y)
def crop(images: torch.Tensor, top: int, left: int, size: int) -> torch.Tensor:
    return images[:, :, left:left + size, top:top + size]
