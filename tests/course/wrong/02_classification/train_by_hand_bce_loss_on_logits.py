# notebook: classification.ipynb
# cell: train_by_hand
# loses: test_train_by_hand, test_train_by_hand_hidden, test_train_by_hand_values, test_train_by_hand_training
# why: F.binary_cross_entropy (BCELoss) wants probabilities; raw logits outside [0, 1] make it fail
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
        loss = F.binary_cross_entropy(mlp_forward(params, X)[:, 0], y)
        loss.backward()
        with torch.no_grad():
            for W, b in params:
                W -= lr * W.grad
                b -= lr * b.grad
                W.grad.zero_()
                b.grad.zero_()
    return params
