"""The app's one way to answer: both models, loaded through their weeks' public inference functions.

    from capstones.c3_multimodal_app.inference import load_models, classify_image, classify_text
    models = load_models(image_model="outputs/week10_cnn_cifar/cnn_cifar.safetensors",
                         text_model="outputs/week12_transformer_sst2/model")
    classify_image(models, open("cat.png", "rb").read())   # [('cat', 0.81), ('dog', 0.12), ('frog', 0.03)]
    classify_text(models, "A gripping, funny film.")        # ('positive', 0.98)

Nothing here trains or imports training code: week 10's `load_model`/`load_image`/`predict` and week 12's
`load_model`/`predict` do the work. This module adds what a service needs around them: bytes instead of file
paths, limits that refuse hostile uploads before they are decoded, and a version string per model (the
weights' sha256 prefix) that every answer carries, so a logged answer names the exact weights behind it.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.errors import DataError
from shared.text_input import check_texts

MAX_UPLOAD_BYTES = 5_000_000  # an upload larger than this is refused (413) before it is decoded
MAX_PIXELS = 4096 * 4096  # a small PNG can claim gigapixels (a "decompression bomb"): refused before decoding
MAX_CHARS = 5_000  # week 12's own limit for one sentence
TOP_K = 3  # classes returned for an image


class UploadTooLarge(DataError):
    """The upload (bytes or pixels) is over the limit: HTTP 413."""


class NotAnImage(DataError):
    """The upload is not an image Pillow can read: HTTP 415."""


@dataclass(frozen=True)
class AppModels:
    image: Any  # week10_cnn_cifar.inference.CifarModel
    text: Any  # week12_transformer_sst2.inference.SentimentModel
    versions: dict[str, str]  # {"image": "week10-3f2a9c1d04be", "text": "week12-0be1..."}


def weights_version(week: str, weights: Path) -> str:
    """`week10-<first 12 hex digits of the weights' sha256>`: names the exact weights behind an answer."""
    digest = hashlib.sha256()
    with open(weights, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return f"{week}-{digest.hexdigest()[:12]}"


def load_models(image_model: Path | str, text_model: Path | str) -> AppModels:
    """Week 10's model file (`cnn_cifar.safetensors`) and week 12's model folder; a RoadmapError if either is bad."""
    from week10_cnn_cifar import inference as images
    from week12_transformer_sst2 import inference as texts

    image_model, text_model = Path(image_model), Path(text_model)
    text_weights = text_model if text_model.suffix == ".safetensors" else text_model / "model.safetensors"
    image, text = images.load_model(image_model), texts.load_model(text_model)
    versions = {"image": weights_version("week10", image_model), "text": weights_version("week12", text_weights)}
    return AppModels(image=image, text=text, versions=versions)


def decode_upload(data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES):
    """Uploaded bytes → week 10's (32, 32, 3) uint8 input, via week 10's own `load_image` (same resizing).

    Refused before any pixel is decoded: more than `max_bytes`, a file Pillow does not recognise as an image,
    and an image whose header claims more than MAX_PIXELS pixels.
    """
    from PIL import Image, UnidentifiedImageError

    from week10_cnn_cifar.inference import load_image

    if len(data) > max_bytes:
        raise UploadTooLarge(f"the upload is {len(data):,} bytes; the limit is {max_bytes:,}")
    if not data:
        raise NotAnImage("the upload is empty; send a PNG or JPEG image")
    try:
        with Image.open(io.BytesIO(data)) as img:  # reads the header only
            width, height = img.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise NotAnImage("the upload is not an image this app can read; send a PNG or JPEG image") from None
    if width * height > MAX_PIXELS:
        raise UploadTooLarge(f"the image is {width}x{height} pixels; the limit is {MAX_PIXELS:,} pixels")
    with tempfile.TemporaryDirectory(prefix="c3-upload-") as folder:  # load_image reads a file
        path = Path(folder) / "upload"
        path.write_bytes(data)
        try:
            return load_image(path)
        except DataError:
            raise NotAnImage("the upload is not a readable image (damaged or truncated?); send a PNG or JPEG") from None


def classify_image(models: AppModels, data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> list[tuple[str, float]]:
    """The TOP_K (class, probability) pairs for one uploaded image, most probable first."""
    from week10_cnn_cifar.inference import predict

    proba = predict(models.image, decode_upload(data, max_bytes=max_bytes)[None])[0]
    order = proba.argsort()[::-1][:TOP_K]
    return [(models.image.classes[i], float(proba[i])) for i in order]


def classify_text(models: AppModels, text: str) -> tuple[str, float]:
    """(label, probability of that label) for one sentence; a blank or over-long one is a DataError."""
    from week12_transformer_sst2.inference import predict

    [text] = check_texts(text, max_chars=MAX_CHARS, max_texts=1)
    [(label, probability)] = predict(models.text, [text])
    return label, probability
