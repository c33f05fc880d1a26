"""Extra code (scaffolding): the `predict` command, `python -m week10_cnn_cifar predict photo.jpg [more.png ...]`.

Reads each image with `inference.load_image` (any size; shrunk to 32×32), calls `inference.predict` once for the
batch and prints the top classes of each. Every user error (missing or unreadable image, missing or damaged model)
ends as one message and exit code 2 (`shared.cli`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from week10_cnn_cifar.inference import default_model_path, load_image, load_model, predict


def top_classes(image_paths: list[Path], model_path: Path | None = None, k: int = 3) -> list[list[tuple[str, float]]]:
    """For each image, its `k` most probable (class, probability) pairs, most probable first."""
    model = load_model(model_path)
    proba = predict(model, np.stack([load_image(p) for p in image_paths]))
    return [[(model.classes[i], float(p[i])) for i in np.argsort(-p, kind="stable")[:k]] for p in proba]


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("predict", help="top-3 CIFAR-10 classes for PNG/JPEG images of any size")
    parser.add_argument("images", type=Path, nargs="+")
    parser.add_argument("--model", type=Path, default=None, help=f"model file (default: {default_model_path()})")
    parser.add_argument("--top", type=int, default=3, choices=range(1, 11), metavar="K", help="classes shown (1-10)")

    def _predict(args: argparse.Namespace) -> int:
        for path, top in zip(args.images, top_classes(args.images, args.model, args.top), strict=True):
            print(f"{path}: " + ", ".join(f"{name} {p:.1%}" for name, p in top))
        return 0

    parser.set_defaults(func=_predict)
