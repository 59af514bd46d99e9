# notebook: classification.ipynb
# cell: mlp_forward
# loses: test_mlp_forward, test_mlp_forward_hidden
# why: multiplies by W instead of W.T: with W of shape (out, in) the inner dimensions do not match
def mlp_forward(params: list[tuple[torch.Tensor, torch.Tensor]], X: torch.Tensor, activation=torch.relu) -> torch.Tensor:
    hidden = X
    for index, (W, b) in enumerate(params):
        hidden = hidden @ W + b
        if index < len(params) - 1:
            hidden = activation(hidden)
    return hidden
