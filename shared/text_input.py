"""The one input contract of every text model (weeks 11, 12 and the services built on them).

A model should fail at the door with a message a user can act on, not deep inside a tokenizer with a
TypeError. Texts are numbered from 1 in messages, as a person counts them.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.errors import DataError


def check_texts(texts: str | Iterable[str], *, max_chars: int, max_texts: int | None = None) -> list[str]:
    """Return `texts` as a list of non-empty strings, or raise DataError naming the first bad one.

    A single string is one text. Rejected: None, non-strings, empty or whitespace-only texts, texts longer
    than `max_chars`, texts that are not valid UTF-8, an empty batch, more than `max_texts` texts.
    """
    if isinstance(texts, str):
        texts = [texts]
    elif texts is None or isinstance(texts, (bytes, bytearray)) or not isinstance(texts, Iterable):
        raise DataError(f"expected a text or a list of texts, got {type(texts).__name__}")
    texts = list(texts)
    if not texts:
        raise DataError("no texts given: pass at least one")
    if max_texts is not None and len(texts) > max_texts:
        raise DataError(f"{len(texts)} texts given; at most {max_texts} per call")
    for number, text in enumerate(texts, start=1):
        if not isinstance(text, str):
            raise DataError(f"text {number} is a {type(text).__name__}, not a string")
        if not text.strip():
            raise DataError(f"text {number} is empty")
        if len(text) > max_chars:
            raise DataError(f"text {number} has {len(text):,} characters; the limit is {max_chars:,}")
        try:  # a non-UTF-8 command-line argument arrives as lone surrogates, which tokenizers reject with a TypeError
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise DataError(f"text {number} is not valid UTF-8 text (it holds undecodable bytes)") from None
    return texts
