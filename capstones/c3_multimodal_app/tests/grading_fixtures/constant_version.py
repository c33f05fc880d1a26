"""Wrong on purpose (grading fixture): every answer says version "1.0", whichever weights were loaded.

Caught by `answers_name_the_weights`.
"""

from _common import build_app


def create_app():
    return build_app(version=lambda week, path: "1.0")  # the mistake: names the code, not the weights
