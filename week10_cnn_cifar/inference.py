"""Load the saved week-10 model and classify images: the one `predict` of this unit.

The model file is safetensors (tensors only: opening it cannot run code; `shared.torch_io`) with a JSON sidecar
holding what is needed to rebuild and use it: the stage widths, the class names, the normalisation statistics of
the training images, whether flip test-time augmentation was chosen on validation, plus seed, versions and the
data's sha256. `predict` takes 32×32 RGB images as uint8 arrays; `load_image` turns any PNG/JPEG into one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from shared.errors import DataError
from shared.paths import outputs_dir
from shared.torch_io import load_torch
from week10_cnn_cifar.cnn_cifar import MODEL_FILE, predict_proba, to_tensor_u8
from week10_cnn_cifar.model import CifarNet, build


@dataclass(frozen=True)
class CifarModel:
    net: CifarNet  # in eval mode
    metadata: dict[str, Any]  # the sidecar: config (widths, classes, mean, std, tta), seed, versions, metrics

    @property
    def classes(self) -> list[str]:
        return self.metadata["config"]["classes"]


def default_model_path() -> Path:
    """Where a full run (`roadmap run week10`) saves the model."""
    return outputs_dir("week10_cnn_cifar") / MODEL_FILE


def load_model(path: Path | str | None = None) -> CifarModel:
    """The network and its sidecar; a missing or damaged file is a RoadmapError (exit 2 in the CLI)."""
    net, sidecar = load_torch(Path(path) if path is not None else default_model_path(), build)
    return CifarModel(net, sidecar)


def check_images(images: np.ndarray) -> np.ndarray:
    """The model's input: uint8 RGB images of shape (N, 32, 32, 3), N ≥ 1, or a DataError that says what is wrong."""
    images = np.asarray(images)
    if images.ndim == 3:
        raise DataError(f"expected a batch of images (N, 32, 32, 3); got one image {images.shape}: use images[None]")
    if images.ndim != 4 or images.shape[1:] != (32, 32, 3) or len(images) == 0:
        raise DataError(f"expected images of shape (N, 32, 32, 3) with N ≥ 1, got {images.shape}; see load_image")
    if images.dtype != np.uint8:
        raise DataError(f"expected uint8 pixels (0–255), got {images.dtype}")
    return images


def predict(model: CifarModel, images: np.ndarray) -> np.ndarray:
    """Class probabilities, shape (N, 10), for uint8 images (N, 32, 32, 3); columns follow `model.classes`."""
    config = model.metadata["config"]
    x = to_tensor_u8(check_images(images))
    with torch.inference_mode():
        return predict_proba(model.net, x, (config["mean"], config["std"]), tta=bool(config["tta"])).numpy()


def load_image(path: Path | str) -> np.ndarray:
    """Any image Pillow can read, as a (32, 32, 3) uint8 array (RGB, shrunk with bicubic resampling)."""
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
    return np.array(rgb.resize((32, 32), Image.Resampling.BICUBIC), dtype=np.uint8)
