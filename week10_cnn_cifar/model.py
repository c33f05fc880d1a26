"""The network: three stages of two conv → BatchNorm → GELU layers, max-pooling between them.

Only the architecture lives here (no training code), so `inference.py` can rebuild it from its config.

Designed for CPU speed, after the stage layout of Keller Jordan's `airbench` CIFAR-10 networks (2024):
each stage's first convolution widens the channels and is followed at once by 2×2 max-pooling, so the
second convolution of the stage runs at half the resolution. Only one convolution (3 → 32 channels, very
cheap) runs at 32×32; the 128-channel ones run at 16×16 and below. About 34 M multiply-adds and
0.5 M weights per image. `channels_last` memory lets PyTorch's CPU convolutions (oneDNN) skip layout
conversions.
"""

from __future__ import annotations

import torch
from torch import nn

WIDTHS = (32, 128, 128)  # channels of the three stages


def conv_bn_gelu(c_in: int, c_out: int, *, pool: bool = False) -> list[nn.Module]:
    """conv 3×3 (→ 2×2 max-pool) → BatchNorm → GELU: the unit every modern small CNN is made of.

    The convolution has no bias because BatchNorm's shift does the same job. Pooling right after the
    convolution (before the normalisation) is what makes the stage cheap: the rest of it runs at 1/4 of the pixels.
    """
    layers: list[nn.Module] = [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False)]
    if pool:
        layers.append(nn.MaxPool2d(2))
    return [*layers, nn.BatchNorm2d(c_out), nn.GELU()]


class CifarNet(nn.Module):
    """32×32 → [conv(3→w1), pool, conv(w1→w1)] → 16×16 → [conv(w1→w2), pool, conv] → 8×8 → [conv(w2→w3), pool,
    conv] → 4×4 → global max → linear. `features` and `head` are separate so the features can be reused."""

    def __init__(self, n_classes: int = 10, widths: tuple[int, ...] = WIDTHS) -> None:
        super().__init__()
        self.widths = tuple(widths)
        layers: list[nn.Module] = []
        for c_in, c_out in zip((3, *widths[:-1]), widths, strict=True):
            layers += conv_bn_gelu(c_in, c_out, pool=True) + conv_bn_gelu(c_out, c_out)
        self.features = nn.Sequential(*layers, nn.AdaptiveMaxPool2d(1), nn.Flatten())
        self.head = nn.Linear(widths[-1], n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


def build(config: dict) -> CifarNet:
    """The untrained network described by a saved model's config (see `inference.load_model`)."""
    return CifarNet(n_classes=len(config["classes"]), widths=tuple(config["widths"])).to(
        memory_format=torch.channels_last
    )
