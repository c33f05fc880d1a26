"""An append-only, hash-chained audit log: what data, which model, which deployment, which alerts — and proof that
nobody edited the record afterwards.

Each line of the JSONL file is one event. Its `sha256` is the hash of the event's canonical JSON (sorted keys, no
spaces) *including the previous line's sha256* (`prev_sha256`), so every entry vouches for all entries before it: edit,
delete or reorder one line and `verify` names the first line whose hash no longer matches. This is the idea behind
a blockchain or git's commit ids, hand-written because it is a dozen lines and the lesson. It makes tampering
*detectable*, not impossible: someone who rewrites the whole file from the first edited line on can recompute every
hash, so in production the newest hash is also copied somewhere the writer cannot change (a ticket, a signed tag,
a WORM bucket).
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shared.errors import RoadmapError

GENESIS = "0" * 64  # the "previous hash" of the first entry


def entry_hash(entry: dict[str, Any]) -> str:
    """sha256 of the entry's canonical JSON, without its own `sha256` field."""
    body = {k: v for k, v in entry.items() if k != "sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def file_sha256(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_entries(path: Path | str) -> list[dict[str, Any]]:
    path = Path(path)
    if not path.exists():
        return []
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            raise RoadmapError(f"{path}: line {number} is not JSON; the audit log was damaged") from None
    return entries


class AuditLog:
    """`log.append("model_registered", model_version="...", ...)` adds one chained line and returns the entry.

    `clock` is injectable so tests (and reproducible runs) can fix the timestamps.
    """

    def __init__(self, path: Path | str, clock=lambda: datetime.now(UTC).isoformat(timespec="seconds")) -> None:
        self.path = Path(path)
        self.clock = clock
        entries = read_entries(self.path)
        self.last = entries[-1]["sha256"] if entries else GENESIS

    def append(self, event: str, **fields: Any) -> dict[str, Any]:
        entry = {"event": event, "time": self.clock(), **fields, "prev_sha256": self.last}
        entry["sha256"] = entry_hash(entry)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Append mode, one write, fsync: a line is either fully on disk or not at all, and nothing is ever rewritten.
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, sort_keys=True, default=str) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.last = entry["sha256"]
        return entry


def verify(path: Path | str) -> int:
    """Number of entries when the chain is intact; a RoadmapError naming the first broken line otherwise."""
    previous = GENESIS
    entries = read_entries(path)
    for number, entry in enumerate(entries, start=1):
        if entry.get("prev_sha256") != previous:
            raise RoadmapError(f"{path}: line {number} does not follow line {number - 1} (deleted or reordered entry)")
        if entry.get("sha256") != entry_hash(entry):
            raise RoadmapError(f"{path}: line {number} was modified after it was written (hash mismatch)")
        previous = entry["sha256"]
    return len(entries)
