"""Extra code (going further): the careful storage behind week 1's tracker. Read it once the basics are comfortable.

`expense_tracker.py` needs two things from this file: `read_store(path)` returns the store as a dict, and
`with locked_store(path) as store: ...` saves whatever the block changed. Everything below is about making
those two calls safe when things go wrong:

- *atomic*: a write goes to a temp file that replaces the store in one `os.replace` (shared.atomic), so a crash
  or `kill -9` leaves the old or the new store, never half of one; orphaned temp files are removed on the next write;
- *locked*: read-modify-write happens under a file lock, so two processes adding at once both land;
- *validated*: the whole document is checked against a schema on every read (and before every write), and a
  store that fails is never overwritten: the error names the bad entry;
- *links followed once*: a symlinked store is resolved, and its target is locked and written; a dangling link,
  a folder or a device is refused, never silently replaced by a new store;
- *permissions kept*: a read-only store is refused; a writable one keeps its mode (a new one is private, 0600);
- *encrypted at rest* (optional): scrypt derives a key from a passphrase, Fernet encrypts the whole store.
"""

from __future__ import annotations

import base64
import datetime as dt
import getpass
import json
import os
import re
import reprlib
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from filelock import FileLock, Timeout
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from shared.atomic import atomic_write_bytes, temp_files
from shared.errors import RoadmapError

FORMAT_VERSION = 1
PASSPHRASE_ENV = "EXPENSES_PASSPHRASE"
PASSPHRASE_FILE_ENV = "EXPENSES_PASSPHRASE_FILE"
NEW_STORE_MODE = 0o600  # spending is private: a new store is readable by its owner only


class StoreError(RoadmapError):
    """The store cannot be read or written; the message says why and what to do."""


def empty_store() -> dict[str, Any]:
    return {"version": FORMAT_VERSION, "next_id": 1, "expenses": []}


# --- The schema: what a store file must contain -------------------------------------------------------------
class Expense(BaseModel):
    """One stored expense. Strict: `"1250"` or `12.5` or `true` is not an amount in cents."""

    model_config = ConfigDict(extra="forbid", strict=True)
    id: int = Field(ge=1)
    date: str
    category: str = Field(min_length=1)
    description: str
    amount_cents: int = Field(gt=0)

    @field_validator("date")
    @classmethod
    def _iso_date(cls, value: str) -> str:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError("must be a date written YYYY-MM-DD")
        dt.date.fromisoformat(value)  # ValueError for 2025-02-30
        return value


class Store(BaseModel):
    """The plaintext store document (version 1)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    version: Literal[1]
    next_id: int = Field(ge=1)
    expenses: list[Expense]

    @model_validator(mode="after")
    def _ids_unique_and_below_next_id(self) -> Store:
        ids = [e.id for e in self.expenses]
        if len(set(ids)) != len(ids):
            raise ValueError("two expenses share an id")
        if ids and self.next_id <= max(ids):
            raise ValueError(f"next_id {self.next_id} must be larger than every id (largest is {max(ids)})")
        return self


class EncryptedStore(BaseModel):
    """The wrapper an encrypted store is saved in: the Fernet token of the plaintext document."""

    model_config = ConfigDict(extra="forbid", strict=True)
    encrypted: Literal[True]
    kdf: Literal["scrypt"]
    salt: str
    token: str


def _describe(exc: ValidationError, doc: Any) -> str:
    """The first few schema errors, each naming the entry (position and id) and the field."""
    parts = []
    for error in exc.errors()[:3]:
        loc = error["loc"]
        where = ".".join(map(str, loc)) or "the document"
        if len(loc) >= 2 and loc[0] == "expenses" and isinstance(loc[1], int):
            entry = doc["expenses"][loc[1]]
            ident = f" (id {reprlib.repr(entry['id'])})" if isinstance(entry, dict) and "id" in entry else ""
            field = f", field {loc[2]!r}" if len(loc) > 2 else ""
            where = f"expense #{loc[1] + 1} in the file{ident}{field}"
        parts.append(f"{where}: {error['msg']}")
    more = len(exc.errors()) - len(parts)
    return "; ".join(parts) + (f"; and {more} more problem(s)" if more > 0 else "")


def validate(path: Path, doc: Any) -> dict[str, Any]:
    """Check a decoded plaintext document against the schema; return it as plain dicts and lists."""
    if not isinstance(doc, dict):
        kind = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true/false"}
        raise StoreError(f"{path} is not an expense store: it holds {kind.get(type(doc), 'null')}, not an object")
    version = doc.get("version", FORMAT_VERSION)
    if type(version) is not int or version != FORMAT_VERSION:  # `type`, because True == 1 in Python
        raise StoreError(
            f"{path} has format version {reprlib.repr(version)}, and this tracker reads version "
            f"{FORMAT_VERSION} only (a newer tracker may have written it); it was left untouched."
        )
    try:
        return Store.model_validate(doc).model_dump()
    except ValidationError as exc:
        raise StoreError(
            f"{path} is not a valid expense store: {_describe(exc, doc)}. It was left untouched; fix that entry "
            "or restore the file from a backup."
        ) from None


# --- Paths: resolve links once, refuse what is not a store ------------------------------------------------------
def resolve_store(path: Path | str) -> Path:
    """The real file behind `path`: links resolved once, so the lock and the write both go to the target."""
    path = Path(path).expanduser()
    for part in (path, *path.parents):
        if part.is_symlink() and not part.exists():
            raise StoreError(
                f"{part} is a link to {os.readlink(part)}, which does not exist (an unmounted drive?). "
                "Refusing to start a new store there: fix or remove the link."
            )
    try:
        target = path.resolve()
    except (OSError, RuntimeError) as exc:  # a loop of links
        raise StoreError(f"cannot follow the links in {path}: {exc}") from None
    if target.exists() and not target.is_file():
        kind = "a folder" if target.is_dir() else "not a regular file (a device or a pipe?)"
        raise StoreError(f"the store {path} is {kind}; give the path of a .json file")
    return target


# --- Encryption at rest ---------------------------------------------------------------------------------------
def _fernet(passphrase: str, salt: bytes):
    """Derive a Fernet key from a passphrase with scrypt (slow on purpose: it resists guessing)."""
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    key = Scrypt(salt=salt, length=32, n=2**14, r=8, p=1).derive(_passphrase_bytes(passphrase))
    return Fernet(base64.urlsafe_b64encode(key))


def _passphrase_bytes(passphrase: str) -> bytes:
    try:
        return passphrase.encode("utf-8")
    except UnicodeEncodeError:  # bytes that were not UTF-8 arrive from the environment as lone surrogates
        raise StoreError("the passphrase is not valid UTF-8 text; set it again as plain text") from None


def _decrypt(path: Path, doc: dict[str, Any], passphrase: str | None) -> Any:
    try:
        wrapper = EncryptedStore.model_validate(doc)
    except ValidationError as exc:
        raise StoreError(f"{path} is not a valid encrypted store: {_describe(exc, doc)}; left untouched.") from None
    if not passphrase:
        raise StoreError(
            f"{path} is encrypted: give its passphrase in ${PASSPHRASE_FILE_ENV} (a file) or ${PASSPHRASE_ENV}, "
            "or pass --ask-passphrase to be prompted."
        )
    from cryptography.fernet import InvalidToken

    try:
        plain = _fernet(passphrase, base64.b64decode(wrapper.salt, validate=True)).decrypt(wrapper.token)
    except (InvalidToken, ValueError):
        raise StoreError(f"cannot decrypt {path}: wrong passphrase, or the file is damaged.") from None
    return _parse_json(path, plain)


def _encode(doc: dict[str, Any], passphrase: str | None) -> bytes:
    text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
    if not passphrase:
        return text.encode("utf-8")
    salt = os.urandom(16)
    token = _fernet(passphrase, salt).encrypt(text.encode("utf-8")).decode("ascii")
    wrapper = {"encrypted": True, "kdf": "scrypt", "salt": base64.b64encode(salt).decode("ascii"), "token": token}
    return json.dumps(wrapper).encode("utf-8")


def get_passphrase(
    store: Path | str,
    *,
    ask: bool = False,
    environ: Mapping[str, str] = os.environ,
    prompt: Callable[[str], str] = getpass.getpass,
    interactive: bool | None = None,
) -> str | None:
    """The passphrase, from (in order) the file named by $EXPENSES_PASSPHRASE_FILE, $EXPENSES_PASSPHRASE, or a prompt.

    A prompt happens with `ask=True`, or when the store is encrypted and we run in a terminal. A file is the
    safest of the three: an environment variable can leak through shell history and process listings.
    None means: no encryption.
    """
    from_file, from_env = environ.get(PASSPHRASE_FILE_ENV), environ.get(PASSPHRASE_ENV)
    if from_file and from_env:
        raise StoreError(f"both ${PASSPHRASE_FILE_ENV} and ${PASSPHRASE_ENV} are set; unset one of them")
    if from_file:
        return _read_passphrase_file(Path(from_file).expanduser())
    if from_env:
        _passphrase_bytes(from_env)
        return from_env
    if interactive is None:
        interactive = sys.stdin is not None and sys.stdin.isatty()
    if ask or (interactive and is_encrypted(store)):
        try:
            passphrase = prompt(f"passphrase for {store}: ")
            if ask and not is_encrypted(store) and prompt("repeat it: ") != passphrase:  # about to encrypt: no typos
                raise StoreError("the two passphrases differ; nothing was written")
        except EOFError:
            raise StoreError("no passphrase given") from None
        if not passphrase:
            raise StoreError("the passphrase is empty")
        _passphrase_bytes(passphrase)
        return passphrase
    return None


def _read_passphrase_file(path: Path) -> str:
    if not path.is_file():
        raise StoreError(f"${PASSPHRASE_FILE_ENV} points at {path}, which is not a file")
    try:
        lines = path.read_bytes().decode("utf-8").splitlines()
        passphrase = lines[0] if lines else ""  # the first line, without its newline
    except UnicodeDecodeError:
        raise StoreError(f"the passphrase file {path} is not UTF-8 text") from None
    if not passphrase:
        raise StoreError(f"the passphrase file {path} is empty")
    return passphrase


def is_encrypted(store: Path | str) -> bool:
    """Whether the store file exists and is an encrypted one (any problem reading it: False, reported later)."""
    try:
        doc = json.loads(resolve_store(store).read_bytes())
    except (RoadmapError, OSError, ValueError, RecursionError):
        return False
    return isinstance(doc, dict) and doc.get("encrypted") is True


# --- Reading --------------------------------------------------------------------------------------------------
def _parse_json(path: Path, data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        reason = f"not UTF-8 text (byte {exc.start})"
    except json.JSONDecodeError as exc:
        reason = "an empty file" if not data.strip() else f"{exc.msg} at line {exc.lineno}"
    except ValueError:  # an integer with more than 4300 digits
        reason = "a number too long to read"
    except RecursionError:
        reason = "nested too deeply to be an expense store"
    raise StoreError(
        f"{path} is not a valid expense store ({reason}). It was left untouched; restore it from a backup "
        "or move it away to start a new store."
    )


def read_store(path: Path | str, passphrase: str | None = None) -> dict[str, Any]:
    """Read and validate the store (an empty one if the file does not exist yet)."""
    target = resolve_store(path)
    if not target.exists():
        return empty_store()
    try:
        data = target.read_bytes()
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from None
    doc = _parse_json(Path(path), data)
    if isinstance(doc, dict) and "encrypted" in doc:
        doc = _decrypt(Path(path), doc, passphrase)
    return validate(Path(path), doc)


# --- Writing: locked, atomic, validated, permissions kept ---------------------------------------------------
def _write(target: Path, data: bytes) -> None:
    """Replace the store in one step, keeping its permission bits (a new store is private: 0600)."""
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else NEW_STORE_MODE
    for orphan in temp_files(target):  # left by a writer killed mid-write; we hold the lock, so no live writer owns it
        if orphan.is_file() and not orphan.is_symlink():
            orphan.unlink(missing_ok=True)
    atomic_write_bytes(target, data, mode=mode)  # temp file in the same folder, fsync, os.replace


def _refuse_read_only(path: Path, target: Path) -> None:
    """A store without write permission was made read-only on purpose: refuse, rather than replace it."""
    if not target.exists():
        return
    mode = stat.S_IMODE(target.stat().st_mode)
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        raise StoreError(
            f"the store {path} is read-only (mode {mode:o}); it was left as it is. "
            f"Make it writable (chmod u+w {path}) if you mean to change it."
        )


@contextmanager
def locked_store(path: Path | str, passphrase: str | None = None, timeout: float = 30) -> Iterator[dict[str, Any]]:
    """Read-modify-write under a lock: `with locked_store(p) as store: store[...] = ...` saves on exit.

    Nothing is written if the block raises, so a rejected input never touches the file.
    """
    target = resolve_store(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(f"{target}.lock", timeout=timeout):
            doc = read_store(target, passphrase)  # validated: an invalid store raises here, before any write
            _refuse_read_only(Path(path), target)
            yield doc
            _write(target, _encode(validate(Path(path), doc), passphrase))
    except Timeout:
        raise StoreError(f"{path} is locked by another process; try again.") from None


# --- Export: a new file, never the store, never a silent overwrite ---------------------------------------------
def check_export_path(out: Path | str, *, store: Path | str | None = None, force: bool = False) -> Path:
    """Where an export may write: a new path, or (with force) an existing regular file that is not the store."""
    out = Path(out).expanduser()
    if out.is_symlink():
        raise StoreError(f"{out} is a symbolic link; export writes to a plain file path only")
    target = out.resolve()
    if store is not None:
        store_target = Path(store).expanduser().resolve()
        same = target == store_target or (target.exists() and store_target.exists() and target.samefile(store_target))
        if same or target == store_target.with_name(store_target.name + ".lock"):
            raise StoreError(f"{out} is the expense store itself; export to another file")
    if target.exists():
        if target.is_dir():
            raise StoreError(f"{out} is a folder; give a file name, e.g. {out / 'expenses.csv'}")
        if not target.is_file():
            raise StoreError(f"{out} is not a regular file (a device or a pipe?); refusing to replace it")
        if not force:
            raise StoreError(f"{out} already exists; choose another name, or pass --force to replace it")
    return target
