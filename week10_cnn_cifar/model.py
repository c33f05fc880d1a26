"""The CNN, and saving/loading it as safetensors (weights plus the few settings needed to rebuild it).

Designed for CPU speed: only the first convolution runs at 32×32 (with 32 channels); every pooling then
halves the image while the channels double, so the other convolutions run at 16×16 or smaller.
`channels_last` memory layout lets PyTorch's CPU convolutions (oneDNN) skip layout conversions.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import nn

from shared.errors import RoadmapError

WIDTHS = (32, 64, 128, 256)


def conv_block(c_in: int, c_out: int) -> nn.Sequential:
    """conv 3×3 → BatchNorm → GELU: the unit every modern small CNN is made of.

    The convolution has no bias because BatchNorm's shift does the same job.
    """
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.GELU())


class CifarNet(nn.Module):
    """Four conv stages (widths 32-64-128-256), each followed by 2×2 max-pooling except the last.

    32×32: conv(3→32) → pool → 16×16: conv(32→64) → pool → 8×8: conv(64→128) → pool → 4×4: conv(128→256)
    → global average → linear. Pooling early keeps the arithmetic small (about 15 M multiply-adds per image)
    so a CPU can see the training set many times within the budget. `features` and `head` are separate so
    transfer learning can swap the head.
    """

    def __init__(self, n_classes: int = 10, widths: tuple[int, ...] = WIDTHS) -> None:
        super().__init__()
        self.widths = tuple(widths)
        layers: list[nn.Module] = []
        for i, (c_in, c_out) in enumerate(zip((3, *widths[:-1]), widths, strict=True)):
            layers += [conv_block(c_in, c_out)]
            if i < len(widths) - 1:
                layers += [nn.MaxPool2d(2)]
        self.features = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.head = nn.Linear(widths[-1], n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


def save_model(model: CifarNet, path: Path, *, classes: tuple[str, ...], mean: list[float], std: list[float]) -> Path:
    """Save weights as safetensors (no pickle: loading cannot run code) with the settings to rebuild the model."""
    from safetensors.torch import save_file

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    meta = {"widths": list(model.widths), "classes": list(classes), "mean": mean, "std": std}
    save_file(state, str(path), metadata={"config": json.dumps(meta)})
    return path


def load_model(path: Path) -> tuple[CifarNet, dict]:
    """Rebuild a `CifarNet` from a safetensors file written by `save_model`; return (model in eval mode, config)."""
    from safetensors import SafetensorError, safe_open

    path = Path(path)
    if not path.is_file():
        raise RoadmapError(f"no model weights at {path}. Train first with `roadmap run week10`, or pass --weights.")
    try:
        with safe_open(str(path), framework="pt") as fh:
            config = json.loads((fh.metadata() or {}).get("config", "null"))
            state = {key: fh.get_tensor(key) for key in fh.keys()}
    except (SafetensorError, OSError, ValueError) as exc:
        raise RoadmapError(f"{path} is not a readable safetensors file ({exc})") from None
    if not isinstance(config, dict) or not {"widths", "classes", "mean", "std"} <= set(config):
        raise RoadmapError(f"{path} has no week-10 model settings in its metadata; was it saved by `save_model`?")
    model = CifarNet(n_classes=len(config["classes"]), widths=tuple(config["widths"]))
    model.load_state_dict(state)
    return model.eval(), config
