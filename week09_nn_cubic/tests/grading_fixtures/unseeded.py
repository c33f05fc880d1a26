"""Wrong on purpose: `train` ignores its seed, so two runs with the same seed differ.

The mini-batch order comes from torch's global random state, which depends on whatever ran before.
Expected: the grader's "same seed, same model" check fails.
"""

import torch
from torch import nn


def build_model() -> nn.Module:
    return nn.Sequential(nn.Linear(1, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1))


def train(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, epochs: int, seed: int) -> None:
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.MSELoss()
    for _ in range(epochs):
        order = torch.randperm(len(x))  # BUG: global random state; `seed` is never used
        for i in range(0, len(x), 50):
            idx = order[i : i + 50]
            loss = loss_fn(model(x[idx]), y[idx])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
