"""Wrong on purpose (grading fixture): the sentence is a plain str, so blank and 10 kB sentences reach the model
(week 12's input check then fails inside the request: a 500).

Caught by `bad_sentence_is_422`.
"""

from _common import build_app
from pydantic import BaseModel


class Sentence(BaseModel):
    text: str  # the mistake: no check for blank or over-long text


def create_app():
    return build_app(sentence=Sentence)
