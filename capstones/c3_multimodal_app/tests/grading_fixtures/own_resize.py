"""Wrong on purpose (grading fixture): the app resizes uploads itself (nearest neighbour) instead of calling week
10's `load_image`, so it answers for other pixels than the model's own pipeline would.

Caught by `image_answer_is_week10s`.
"""

import numpy as np
from _common import Refused, build_app, check_pixels, check_size, open_header


def decode(data):
    check_size(data)
    image = open_header(data)
    check_pixels(image)
    try:
        rgb = image.convert("RGB")
    except OSError:
        raise Refused(415, "the image is damaged or truncated; send a PNG or JPEG image") from None
    return np.array(rgb.resize((32, 32), 0), dtype=np.uint8)  # the mistake: a second resize path (nearest)


def create_app():
    return build_app(decode=decode)
