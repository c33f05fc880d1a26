"""Wrong on purpose (grading fixture): bytes are capped, pixels are not, so a few kB of PNG claiming 25 million
pixels is decoded (75 MB of RGB here; gigapixels would take the server down).

Caught by `decompression_bomb_is_413`.
"""

from _common import build_app, check_size, open_header, week10_pixels


def decode(data):
    check_size(data)
    open_header(data)  # the mistake: the header's size is never checked
    return week10_pixels(data)


def create_app():
    return build_app(decode=decode)
