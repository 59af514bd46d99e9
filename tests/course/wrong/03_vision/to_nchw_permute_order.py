# notebook: vision.ipynb
# cell: to_nchw
# loses: test_to_nchw, test_to_nchw_shapes, test_to_nchw_values
# why: permutes (N, H, W, C) with (0, 3, 2, 1), which swaps height and width
def to_nchw(images: torch.Tensor) -> torch.Tensor:
    if images.ndim == 3:
        images = images.unsqueeze(0)
    return images.permute(0, 3, 2, 1).to(torch.float32) / 255.0
