"""The network of week 9: a multi-layer perceptron for one input and one output.

It lives in its own small file because two modules need it: the lesson (`nn_cubic.py`) trains it and
`inference.py` rebuilds it from a saved file.
"""

from __future__ import annotations

from torch import Tensor, nn

X_RANGE = (-2.0, 2.0)  # the inputs the network is trained and tested on; outside it, it extrapolates


class MLP(nn.Module):
    """1 → hidden → hidden → 1 with tanh: a smooth activation suits a smooth target like x³."""

    def __init__(self, hidden: int = 64) -> None:
        super().__init__()
        self.hidden = hidden
        self.net = nn.Sequential(
            nn.Linear(1, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, 1)
        )

    def forward(self, x: Tensor) -> Tensor:
        """x shaped (n, 1) → predictions shaped (n, 1)."""
        return self.net(x)
