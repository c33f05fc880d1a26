"""A correct app written independently of the lesson, without the page (grading fixture): it passes every check."""

from _common import build_app


def create_app():
    return build_app()
