"""Deep-learning questions measured in PyTorch: why residual connections train deep nets; attention in one call.

`gradient_at_first_layer` builds a deep stack of sigmoid layers with or without skip connections and measures how
much gradient reaches its first layer: the answer to "why ResNet?" as a number, not a slogan.
"""

from __future__ import annotations

import torch
from torch import nn


class Block(nn.Module):
    """Linear → sigmoid; with `residual`, the input is added back: out = x + f(x), so ∂out/∂x = I + ∂f/∂x."""

    def __init__(self, width: int, residual: bool) -> None:
        super().__init__()
        self.layer = nn.Linear(width, width)
        self.residual = residual

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = torch.sigmoid(self.layer(x))
        return x + out if self.residual else out


def gradient_at_first_layer(depth: int, *, residual: bool, width: int = 32, seed: int = 0) -> float:
    """Norm of ∂loss/∂(first layer's weights) for a `depth`-block stack on a random batch (default init).

    A plain stack multiplies `depth` Jacobians whose sigmoid factors are ≤ 0.25, so the gradient shrinks
    geometrically; a residual stack adds an identity path that carries it back untouched.
    """
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    blocks = nn.Sequential(*[Block(width, residual) for _ in range(depth)]).double()  # float64: tiny stays > 0
    x = torch.randn(64, width, generator=generator, dtype=torch.float64)
    loss = blocks(x).pow(2).mean()
    loss.backward()
    return float(blocks[0].layer.weight.grad.norm())
