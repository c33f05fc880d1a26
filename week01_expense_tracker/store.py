"""Where expenses live: one JSON file, written atomically under a lock, optionally encrypted.

Three promises, each tested:
- *atomic*: a write goes to a temp file that replaces the store in one step, so a crash or a kill
  leaves either the old or the new store, never half of one;
- *locked*: read-modify-write happens under a file lock, so two processes adding at once both land;
- *never overwrite what we cannot read*: a corrupted store (or a wrong passphrase) is an error,
  and the file is left untouched for the user to inspect.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock

from shared.errors import RoadmapError
from shared.results import atomic_write_text

KEY_ENV = "EXPENSES_PASSPHRASE"
FORMAT_VERSION = 1


class StoreError(RoadmapError):
    """The store cannot be read or written; the message says why and what to do."""


def empty_store() -> dict[str, Any]:
    return {"version": FORMAT_VERSION, "next_id": 1, "expenses": []}


def _fernet(passphrase: str, salt: bytes):
    """Derive a Fernet key from a passphrase with scrypt (slow on purpose: it resists guessing)."""
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    key = Scrypt(salt=salt, length=32, n=2**14, r=8, p=1).derive(passphrase.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def _decode(path: Path, text: str, passphrase: str | None) -> dict[str, Any]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StoreError(
            f"{path} is not a valid expense store ({exc.msg} at line {exc.lineno}). It was left untouched; "
            "restore it from a backup or move it away to start a new store."
        ) from None
    if isinstance(doc, dict) and doc.get("encrypted"):
        if not passphrase:
            raise StoreError(f"{path} is encrypted: set {KEY_ENV} to its passphrase.")
        from cryptography.fernet import InvalidToken

        try:
            salt = base64.b64decode(doc["salt"])
            plain = _fernet(passphrase, salt).decrypt(doc["token"].encode("ascii"))
        except (InvalidToken, KeyError, ValueError):
            raise StoreError(f"cannot decrypt {path}: wrong passphrase in {KEY_ENV}, or the file is damaged.") from None
        return _decode(path, plain.decode("utf-8"), None)
    if not (isinstance(doc, dict) and isinstance(doc.get("expenses"), list) and isinstance(doc.get("next_id"), int)):
        raise StoreError(f"{path} does not look like an expense store (missing 'expenses'/'next_id'); left untouched.")
    return doc


def _encode(doc: dict[str, Any], passphrase: str | None) -> str:
    text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
    if not passphrase:
        return text
    salt = os.urandom(16)
    token = _fernet(passphrase, salt).encrypt(text.encode("utf-8")).decode("ascii")
    return json.dumps({"encrypted": True, "kdf": "scrypt", "salt": base64.b64encode(salt).decode(), "token": token})


def read_store(path: Path, passphrase: str | None = None) -> dict[str, Any]:
    """Read the store (an empty one if the file does not exist yet)."""
    path = Path(path)
    if not path.exists():
        return empty_store()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"cannot read {path}: {exc}") from None
    return _decode(path, text, passphrase)


@contextmanager
def locked_store(path: Path, passphrase: str | None = None, timeout: float = 30) -> Iterator[dict[str, Any]]:
    """Read-modify-write under a lock: `with locked_store(p) as doc: doc[...] = ...` saves on exit.

    Nothing is written if the block raises, so a rejected input never touches the file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    from filelock import Timeout

    try:
        with FileLock(str(path) + ".lock", timeout=timeout):
            doc = read_store(path, passphrase)
            yield doc
            atomic_write_text(path, _encode(doc, passphrase))
    except Timeout:
        raise StoreError(f"{path} is locked by another process; try again.") from None
