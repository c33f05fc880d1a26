"""Wrong on purpose (grading fixture): any upload is read and decoded, however large.

Caught by `oversize_upload_is_413`.
"""

from _common import build_app, check_pixels, open_header, week10_pixels


def decode(data):
    check_pixels(open_header(data))  # the mistake: no cap on the bytes
    return week10_pixels(data)


def create_app():
    return build_app(decode=decode)
