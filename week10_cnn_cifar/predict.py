"""`python -m week10_cnn_cifar predict photo.jpg`: top-3 classes for one image of any size.

Pillow opens the file, converts it to RGB and shrinks it to 32×32 (the size the network was trained on);
the rest is the same normalisation and forward pass as in evaluation.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from shared.errors import DataError
from shared.results import outputs_dir

DEFAULT_WEIGHTS = outputs_dir("week10_cnn_cifar") / "cnn_cifar.safetensors"


def load_image(path: Path) -> np.ndarray:
    """Read any image Pillow understands as a (32, 32, 3) uint8 array; clear errors for bad files."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        raise DataError(f"no such image file: {path}")
    try:
        with Image.open(path) as img:
            img.load()  # decode now, so a truncated file fails here and not later
            rgb = img.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise DataError(f"{path} is not a readable image (PNG or JPEG expected): {exc}") from None
    return np.array(rgb.resize((32, 32), Image.Resampling.BICUBIC), dtype=np.uint8)  # a writable copy


def predict_image(path: Path, weights: Path = DEFAULT_WEIGHTS, k: int = 3) -> list[tuple[str, float]]:
    """The top-k (class, probability) pairs for one image."""
    from week10_cnn_cifar.cnn_cifar import predict_proba, to_tensor_u8
    from week10_cnn_cifar.model import load_model

    model, config = load_model(weights)
    image = to_tensor_u8(load_image(path)[None])
    proba = predict_proba(model, image, (config["mean"], config["std"]), tta=True)[0]
    top = torch.topk(proba, k)
    return [(config["classes"][i], float(p)) for p, i in zip(top.values, top.indices, strict=True)]


def add_commands(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("predict", help="top-3 CIFAR-10 classes for one PNG/JPEG image")
    parser.add_argument("image", type=Path)
    parser.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS, help=f"default: {DEFAULT_WEIGHTS}")

    def _predict(args: argparse.Namespace) -> int:
        for name, p in predict_image(args.image, args.weights):
            print(f"{name:12} {p:6.1%}")
        return 0

    parser.set_defaults(func=_predict)
