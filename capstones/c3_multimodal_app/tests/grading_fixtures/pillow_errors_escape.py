"""Wrong on purpose (grading fixture): Pillow's and week 10's errors are not caught, so a file that is not an image
(or an empty or truncated one) is a 500.

Caught by `not_an_image_is_415`.
"""

import io
import tempfile
from pathlib import Path

from _common import build_app, check_pixels, check_size
from PIL import Image

from week10_cnn_cifar.inference import load_image


def decode(data):
    check_size(data)
    check_pixels(Image.open(io.BytesIO(data)))  # the mistake: UnidentifiedImageError escapes (a 500) ...
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        path.write_bytes(data)
        return load_image(path)  # ... and so does week 10's DataError for a truncated file


def create_app():
    return build_app(decode=decode)
