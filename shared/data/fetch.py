"""Find a dataset file in the cache, check its hash, and download it only when it is missing.

The cache folder is `$ROADMAP_DATA_DIR` when set (CI points it at the read-only course mirror),
else the platform's user cache. A file with the wrong hash is never used and never overwritten:
the user decides what to do with it. Downloads go through pooch, which shows a progress bar.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

from shared.data.registry import DATASETS, Dataset
from shared.errors import DataError

ENV_VAR = "ROADMAP_DATA_DIR"
DERIVED_ENV_VAR = "ROADMAP_CACHE_DIR"


def data_dir(*, create: bool = False) -> Path:
    """The dataset cache: `$ROADMAP_DATA_DIR`, else e.g. `~/.cache/ml-roadmap/data`.

    A `$ROADMAP_DATA_DIR` that does not exist is refused (a typo would otherwise start an empty cache),
    except by `roadmap data fetch` (`create=True`), which is asked to fill it.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        path = Path(env).expanduser().resolve()
        if create and not path.exists():
            path.mkdir(parents=True)
        if not path.is_dir():
            # A typo here would otherwise become a new empty cache and a download of every file.
            what = "is not a folder" if path.exists() else "does not exist"
            raise DataError(f"{ENV_VAR}={env} {what}; point it at the folder that holds the data (or unset it)")
        return path
    import platformdirs

    return Path(platformdirs.user_cache_dir("ml-roadmap")) / "data"


def derived_dir(name: str) -> Path:
    """A writable folder for things built from the data (decoded images, vocabularies).

    Kept apart from `data_dir()`, which may be a read-only mirror.
    """
    env = os.environ.get(DERIVED_ENV_VAR)
    if env:
        root = Path(env).expanduser()
    else:
        import platformdirs

        root = Path(platformdirs.user_cache_dir("ml-roadmap")) / "derived"
    path = root / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def get(name: str) -> Dataset:
    try:
        return DATASETS[name]
    except KeyError:
        known = ", ".join(sorted(DATASETS))
        raise DataError(f"unknown dataset {name!r}; known datasets: {known}") from None


_HASH_MEMO: dict[tuple[str, int, int], str] = {}


def file_hash(path: Path, algorithm: str = "sha256") -> str:
    """Hash a file in chunks; memoised on (path, size, mtime) so repeated loads stay cheap."""
    stat = path.stat()
    key = (f"{algorithm}:{path}", stat.st_size, stat.st_mtime_ns)
    if key not in _HASH_MEMO:
        digest = hashlib.new(algorithm)
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        _HASH_MEMO[key] = digest.hexdigest()
    return _HASH_MEMO[key]


def _expected(ds: Dataset) -> tuple[str, str]:
    return ("sha256", ds.sha256) if ds.sha256 else ("md5", ds.md5 or "")


def check(name: str) -> tuple[str, Path]:
    """Return (status, path) without downloading: 'ok', 'missing', 'corrupt' or 'not-a-file'."""
    ds = get(name)
    path = data_dir() / ds.path
    if path.exists() and not path.is_file():
        return "not-a-file", path
    if not path.is_file():
        return "missing", path
    algorithm, expected = _expected(ds)
    return ("ok" if file_hash(path, algorithm) == expected else "corrupt"), path


def _corrupt_message(ds: Dataset, path: Path) -> str:
    algorithm, expected = _expected(ds)
    return (
        f"{path} does not match the registry ({algorithm} expected {expected}, found "
        f"{file_hash(path, algorithm)}). It may be truncated, edited or a different version of "
        f"'{ds.name}'. It was not used. Delete it so it is downloaded again, or replace it with the "
        f"original file."
    )


def _missing_message(ds: Dataset, path: Path, reason: str) -> str:
    source = ds.url or ds.official_url or "the course data mirror"
    algorithm, expected = _expected(ds)
    return (
        f"dataset '{ds.name}' is not in the cache and could not be downloaded ({reason}). "
        f"Expected file: {path}. Source: {source}. "
        f"{ds.how_to_get + ' ' if ds.how_to_get else ''}"
        f"To place it by hand, download it on a machine with internet, copy it to that path and "
        f"check that its {algorithm} is {expected}; or set {ENV_VAR} to a folder that already holds it."
    )


def fetch(name: str, *, download: bool = True) -> Path:
    """Return the path of a verified dataset file, downloading it first if it is missing."""
    ds = get(name)
    status, path = check(name)
    if status == "ok":
        return path
    if status == "corrupt":
        raise DataError(_corrupt_message(ds, path))
    if status == "not-a-file":
        raise DataError(f"{path} should be the data file '{ds.name}' but is a folder or a special file; "
                        "move it away so the file can be placed there")  # fmt: skip
    if not ds.url:
        raise DataError(_missing_message(ds, path, "it has no direct download URL"))
    if not download:
        raise DataError(_missing_message(ds, path, "downloads were disabled"))
    try:
        _download(ds, path)
    except DataError:
        raise
    except Exception as exc:  # noqa: BLE001 - any network/OS failure becomes one clear message
        raise DataError(_missing_message(ds, path, f"{type(exc).__name__}: {exc}")) from None
    status, path = check(name)
    if status != "ok":
        bad = path.with_suffix(path.suffix + ".bad")
        path.replace(bad)
        raise DataError(_corrupt_message(ds, bad))
    return path


def _download(ds: Dataset, path: Path) -> None:
    """Download with pooch (progress bar, atomic rename); unpack one member when the URL is a zip."""
    import pooch

    path.parent.mkdir(parents=True, exist_ok=True)
    algorithm, expected = _expected(ds)
    if ds.archive_member is None:
        pooch.retrieve(
            ds.url,
            known_hash=f"{algorithm}:{expected}",
            fname=path.name,
            path=path.parent,
            progressbar=True,
        )
        return
    # The zip's own hash is not published; the member is checked against the registry afterwards.
    archive = pooch.retrieve(ds.url, known_hash=None, path=path.parent / ".downloads", progressbar=True)
    with zipfile.ZipFile(archive) as zf:
        member = next((m for m in zf.namelist() if m.endswith(ds.archive_member)), None)
        if member is None:
            raise DataError(f"{ds.url} does not contain {ds.archive_member}")
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(zf.read(member))
        tmp.replace(path)


def verify_all(names: list[str] | None = None) -> dict[str, tuple[str, Path]]:
    """Check every (or the named) dataset file; used by `roadmap data verify`."""
    return {name: check(name) for name in (names or sorted(DATASETS))}
