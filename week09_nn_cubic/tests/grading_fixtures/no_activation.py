"""Wrong on purpose: no activation between the layers.

Three Linear layers in a row are one Linear layer: the network can only draw a straight line, whatever
its size or training. Expected: the grader's "not a straight line" check fails.
"""

import torch
from torch import nn


def build_model() -> nn.Module:
    return nn.Sequential(nn.Linear(1, 64), nn.Linear(64, 64), nn.Linear(64, 1))  # BUG: no Tanh/ReLU between


def train(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, epochs: int, seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.MSELoss()
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=gen)
        for i in range(0, len(x), 50):
            idx = order[i : i + 50]
            loss = loss_fn(model(x[idx]), y[idx])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
