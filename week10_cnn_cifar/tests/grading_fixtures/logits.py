"""Wrong on purpose: `predict` returns the network's raw scores (logits), not probabilities.

Expected: the grader's probabilities check fails (rows must be non-negative and sum to 1).
"""

import numpy as np
import torch
from torch import nn


def build_model() -> nn.Module:
    def block(c_in: int, c_out: int) -> list[nn.Module]:
        return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.MaxPool2d(2), nn.BatchNorm2d(c_out), nn.GELU()]

    return nn.Sequential(*block(3, 16), *block(16, 32), *block(32, 64), nn.AdaptiveMaxPool2d(1), nn.Flatten(),
                         nn.Linear(64, 10))  # fmt: skip


def to_input(images: np.ndarray) -> torch.Tensor:
    """uint8 (N, 32, 32, 3) → float (N, 3, 32, 32), roughly zero-centred."""
    return torch.from_numpy(images).permute(0, 3, 1, 2).float().div(255).sub(0.5).div(0.25)


def train(model: nn.Module, images: np.ndarray, labels: np.ndarray, *, epochs: int, seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    x, y = to_input(images), torch.from_numpy(labels)
    optimiser = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(y), generator=gen)
        for i in range(0, len(y), 32):
            idx = order[i : i + 32]
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()


@torch.no_grad()
def predict(model: nn.Module, images: np.ndarray) -> np.ndarray:
    model.eval()
    return model(to_input(images)).numpy()  # BUG: no softmax
