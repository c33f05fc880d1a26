"""Write a whole file or nothing: readers never see half a file, even after a crash or Ctrl-C.

The pattern (write a temp file in the same folder, fsync, rename over the target) is what every file this
repository writes goes through: metrics, tables, READMEs, model sidecars.
"""

from __future__ import annotations

import glob
import os
import tempfile
from pathlib import Path


def temp_files(path: Path | str) -> list[Path]:
    """The temp files `atomic_write_bytes` makes for `path` (left behind only if the process was killed)."""
    path = Path(path)
    return sorted(path.parent.glob(f".{glob.escape(path.name)}.*.tmp"))


def atomic_write_bytes(path: Path | str, data: bytes, *, mode: int | None = None) -> Path:
    """Write `data` to `path` atomically; the temp file is removed if anything fails.

    `mode` sets the permission bits of the new file. By default a rewrite keeps the old file's mode and a
    new file gets the usual 0666 minus the umask (the temp file itself starts as 0600, which would otherwise
    leak into READMEs and model cards). The folder is fsync'ed after the rename so the rename itself survives
    a power cut.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        mode = path.stat().st_mode & 0o7777 if path.is_file() else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)
    return path


def _umask() -> int:
    current = os.umask(0)  # reading the umask means setting it; put it straight back
    os.umask(current)
    return current


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some file systems do not open folders; the data itself is already on disk
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_text(path: Path | str, text: str) -> Path:
    """UTF-8 text version of `atomic_write_bytes`."""
    return atomic_write_bytes(path, text.encode("utf-8"))
