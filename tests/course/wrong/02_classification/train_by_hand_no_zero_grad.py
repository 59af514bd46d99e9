# notebook: classification.ipynb
# cell: train_by_hand
# loses: test_train_by_hand, test_train_by_hand_training
# why: never resets the gradients, so each step follows the sum of all past gradients and overshoots
def train_by_hand(X: torch.Tensor, y: torch.Tensor, hidden: int = 16, steps: int = 300, lr: float = 0.5,
                  seed: int = 0) -> list[tuple[torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(seed)
    sizes = [2, hidden, hidden, 1]
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        W = (torch.randn(fan_out, fan_in, generator=g) * (2 / fan_in) ** 0.5).to(X.device).requires_grad_()
        b = torch.zeros(fan_out).to(X.device).requires_grad_()
        params.append((W, b))
    for _ in range(steps):
        loss = bce_with_logits(mlp_forward(params, X)[:, 0], y)
        loss.backward()
        with torch.no_grad():
            for W, b in params:
                W -= lr * W.grad
                b -= lr * b.grad
    return params
