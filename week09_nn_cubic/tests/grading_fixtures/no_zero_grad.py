"""Wrong on purpose: the gradients are never zeroed, so every step adds to the last ones.

`loss.backward()` *adds* to `.grad`; without `optimiser.zero_grad()` each step follows the sum of every
gradient so far and training diverges. Expected: the grader's "training improves on the mean" check fails.
"""

import torch
from torch import nn


def build_model() -> nn.Module:
    return nn.Sequential(nn.Linear(1, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1))


def train(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, epochs: int, seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.MSELoss()
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=gen)
        for i in range(0, len(x), 50):
            idx = order[i : i + 50]
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()  # BUG: no optimiser.zero_grad() before this line
            optimiser.step()
