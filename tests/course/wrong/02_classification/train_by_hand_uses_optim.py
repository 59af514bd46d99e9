# notebook: classification.ipynb
# cell: train_by_hand
# loses: test_train_by_hand_values
# why: hands the update to torch.optim.SGD; it trains, but the exercise is to write the gradient step yourself
def train_by_hand(X: torch.Tensor, y: torch.Tensor, hidden: int = 16, steps: int = 300, lr: float = 0.5,
                  seed: int = 0) -> list[tuple[torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(seed)
    sizes = [2, hidden, hidden, 1]
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        W = (torch.randn(fan_out, fan_in, generator=g) * (2 / fan_in) ** 0.5).to(X.device).requires_grad_()
        b = torch.zeros(fan_out).to(X.device).requires_grad_()
        params.append((W, b))
    optimizer = torch.optim.SGD([t for pair in params for t in pair], lr=lr)
    for _ in range(steps):
        loss = bce_with_logits(mlp_forward(params, X)[:, 0], y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return params
