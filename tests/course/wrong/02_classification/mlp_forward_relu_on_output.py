# notebook: classification.ipynb
# cell: mlp_forward
# loses: test_mlp_forward, test_mlp_forward_hidden
# why: applies the activation after the last layer too, so no logit can be negative
def mlp_forward(params: list[tuple[torch.Tensor, torch.Tensor]], X: torch.Tensor, activation=torch.relu) -> torch.Tensor:
    hidden = X
    for W, b in params:
        hidden = activation(hidden @ W.T + b)
    return hidden
