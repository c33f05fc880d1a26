"""Wrong on purpose (grading fixture): FastAPI's default 422, whose `detail` is pydantic's list of dicts (with the
input echoed back), not one readable message.

Caught by `bad_sentence_is_422`.
"""

from _common import build_app


def create_app():
    return build_app(readable_errors=False)  # the mistake: no RequestValidationError handler
