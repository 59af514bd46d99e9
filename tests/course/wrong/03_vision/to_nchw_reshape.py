# notebook: vision.ipynb
# cell: to_nchw
# loses: test_to_nchw, test_to_nchw_values
# why: reshapes to (N, C, H, W) instead of permuting: the shape is right but the pixels are scrambled
def to_nchw(images: torch.Tensor) -> torch.Tensor:
    if images.ndim == 3:
        images = images.unsqueeze(0)
    n, h, w, c = images.shape
    return images.reshape(n, c, h, w).to(torch.float32) / 255.0
