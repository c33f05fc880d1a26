"""Wrong on purpose: the target is squeezed to shape (n,) while the network outputs (n, 1).

`MSELoss` then broadcasts (n, 1) against (n,) to an (n, n) matrix of every prediction minus every target,
whose minimum is the same constant for every input: the mean of y. PyTorch only warns. Expected: the
grader's "predicts more than a constant" check fails.
"""

import warnings

import torch
from torch import nn

warnings.filterwarnings("ignore", message="Using a target size")  # silencing the one clue, as people do


def build_model() -> nn.Module:
    return nn.Sequential(nn.Linear(1, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1))


def train(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, epochs: int, seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.MSELoss()
    y = y.squeeze(1)  # BUG: (n,) against the network's (n, 1)
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=gen)
        for i in range(0, len(x), 50):
            idx = order[i : i + 50]
            loss = loss_fn(model(x[idx]), y[idx])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
