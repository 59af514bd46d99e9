# notebook: classification.ipynb
# cell: train_by_hand
# loses: test_train_by_hand, test_train_by_hand_values, test_train_by_hand_training
# why: initialises every weight to zero: all hidden units get the same (here zero) gradient and never tell anything apart
def train_by_hand(X: torch.Tensor, y: torch.Tensor, hidden: int = 16, steps: int = 300, lr: float = 0.5,
                  seed: int = 0) -> list[tuple[torch.Tensor, torch.Tensor]]:
    sizes = [2, hidden, hidden, 1]
    params = [(torch.zeros(o, i, device=X.device, requires_grad=True), torch.zeros(o, device=X.device, requires_grad=True))
              for i, o in zip(sizes[:-1], sizes[1:])]
    for _ in range(steps):
        loss = bce_with_logits(mlp_forward(params, X)[:, 0], y)
        loss.backward()
        with torch.no_grad():
            for W, b in params:
                W -= lr * W.grad
                b -= lr * b.grad
                W.grad.zero_()
                b.grad.zero_()
    return params
