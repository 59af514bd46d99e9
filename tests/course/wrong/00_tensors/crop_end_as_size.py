# notebook: tensors.ipynb
# cell: crop
# loses: test_crop, test_crop_hidden
# why: uses size as the end of the slice instead of its length
def crop(images: torch.Tensor, top: int, left: int, size: int) -> torch.Tensor:
    return images[:, :, top:size, left:size]
