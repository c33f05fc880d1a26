"""CIFAR-10 in either of its two forms, decoded once into uint8 arrays and cached.

The registry lists two files with the same 60,000 images (`shared.data.registry.CIFAR10_FORMS`):
- `cifar10_python`: the official `cifar-10-python.tar.gz` (pickled batches). Canonical and downloadable,
  so a user with internet gets this one. Unpickling runs code from the file, so it is opened only after its
  sha256 matches the registry's (md5, which the publisher gives, is broken: files can be forged to match it).
- `cifar10_jpeg`: the course mirror's JPEG copy (`train/` and `test/`, one folder per class), the
  same images lightly JPEG-compressed. It has no download URL.

Whichever verified file is present is decoded once (Pillow for JPEG) into `(N, 32, 32, 3)` uint8
arrays and cached as `.npz` under `derived_dir("cifar10")`, keyed by the archive's sha256, so a changed
archive is never served from a stale cache. `Cifar10.form` says which file the numbers came from:
results from the JPEG copy are not strictly comparable with published results on the official set.
"""

from __future__ import annotations

import io
import os
import pickle
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np

from shared.data.fetch import check, derived_dir, fetch, file_hash
from shared.data.registry import CIFAR10_FORMS, DATASETS
from shared.errors import DataError

CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
_TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))


@dataclass(frozen=True)
class Cifar10:
    """Decoded CIFAR-10: images are `(N, 32, 32, 3)` uint8 (HWC), labels `(N,)` int64 indices into CLASSES."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    form: str  # the registry name of the file the arrays were decoded from
    classes: tuple[str, ...] = CLASSES


def decode_jpeg_archive(path: Path) -> dict[str, np.ndarray]:
    """Decode `<root>/{train,test}/<class>/<file>.jpg` members of a .tar.gz into arrays.

    Members are read in archive order (the mirror's archive is sorted), so the arrays' order is stable.
    """
    from PIL import Image, UnidentifiedImageError

    images: dict[str, list[np.ndarray]] = {"train": [], "test": []}
    labels: dict[str, list[int]] = {"train": [], "test": []}
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                parts = PurePosixPath(member.name).parts
                if not member.isfile() or len(parts) < 3 or parts[-3] not in images:
                    continue
                split, class_name = parts[-3], parts[-2]
                if class_name not in CLASSES:
                    raise DataError(f"{path}: unknown class folder {class_name!r} in {member.name}")
                data = archive.extractfile(member).read()
                try:
                    image = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.uint8)
                except (UnidentifiedImageError, OSError) as exc:
                    raise DataError(f"{path}: {member.name} is not a readable image ({exc})") from None
                if image.shape != (32, 32, 3):
                    raise DataError(f"{path}: {member.name} is {image.shape[1]}x{image.shape[0]}, expected 32x32")
                images[split].append(image)
                labels[split].append(CLASSES.index(class_name))
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise DataError(f"{path} is not a readable .tar.gz archive ({exc})") from None
    if not images["train"] or not images["test"]:
        raise DataError(f"{path} has no train/ or no test/ images; expected <root>/{{train,test}}/<class>/*.jpg")
    return _as_arrays(images, labels)


def decode_python_archive(path: Path, expected_sha256: str | None) -> dict[str, np.ndarray]:
    """Read the official pickled batches, after checking the file's sha256 against `expected_sha256`.

    Unpickling runs code from the file, so it must be exactly the file the publisher released: the check sits
    here, right before `pickle.load`, so no caller can skip it.
    """
    if not expected_sha256:
        raise DataError(
            f"the data registry has no sha256 for the official CIFAR-10 archive, so {path} will not be unpickled; "
            "use the course mirror's JPEG copy (`cifar10_jpeg`) instead"
        )
    actual = file_hash(path, "sha256")
    if actual != expected_sha256:
        raise DataError(
            f"{path} does not match the registry (sha256 expected {expected_sha256}, found {actual}); "
            "it was not unpickled. Delete it so it is downloaded again."
        )
    images: dict[str, list[np.ndarray]] = {"train": [], "test": []}
    labels: dict[str, list[int]] = {"train": [], "test": []}
    with tarfile.open(path, "r:gz") as archive:
        members = {PurePosixPath(m.name).name: m for m in archive if m.isfile()}
        for split, names in (("train", _TRAIN_BATCHES), ("test", ("test_batch",))):
            for name in names:
                if name not in members:
                    raise DataError(f"{path} has no member {name}; is it the official cifar-10-python.tar.gz?")
                batch = pickle.load(archive.extractfile(members[name]), encoding="bytes")  # noqa: S301 - sha256 verified
                # Rows are 3072 bytes: the red plane, then green, then blue (CHW); we keep HWC like Pillow.
                images[split].append(
                    np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
                )
                labels[split].extend(int(label) for label in batch[b"labels"])
    return _as_arrays(images, labels)


def _as_arrays(images: dict[str, list[np.ndarray]], labels: dict[str, list[int]]) -> dict[str, np.ndarray]:
    """Single images (H, W, 3) are stacked; whole batches (N, H, W, 3) are concatenated."""

    def join(parts: list[np.ndarray]) -> np.ndarray:
        return np.stack(parts) if parts[0].ndim == 3 else np.concatenate(parts)

    return {
        "x_train": join(images["train"]),
        "y_train": np.asarray(labels["train"], dtype=np.int64),
        "x_test": join(images["test"]),
        "y_test": np.asarray(labels["test"], dtype=np.int64),
    }


def available_form() -> str:
    """The registry name of the CIFAR-10 file to use: the first verified one, the official form first.

    A corrupt file is an error (it is never silently skipped); when both are missing, the official
    archive is downloaded (it is the only form with a download URL).
    """
    states = {name: check(name)[0] for name in CIFAR10_FORMS}
    for name, state in states.items():
        if state == "corrupt":
            fetch(name)  # raises the registry's "does not match" message, which says what to do
    for name, state in states.items():
        if state == "ok":
            return name
    fetch("cifar10_python")
    return "cifar10_python"


def load_cifar10(form: str | None = None, *, verbose: bool = True) -> Cifar10:
    """Return CIFAR-10 as uint8 arrays, decoding the archive only the first time.

    `form` forces one of `CIFAR10_FORMS`; by default the first verified file is used (see `available_form`).
    """
    if form is not None and form not in CIFAR10_FORMS:
        raise DataError(f"unknown CIFAR-10 form {form!r}; choose one of {CIFAR10_FORMS}")
    form = form or available_form()
    path = fetch(form)  # verifies the registry's checksum before anything is read
    digest = file_hash(path, "sha256")
    cache = derived_dir("cifar10") / f"{form}-{digest[:16]}.npz"
    if cache.is_file():
        with np.load(cache, allow_pickle=False) as saved:
            arrays = {key: saved[key] for key in saved.files}
    else:
        if verbose:
            print(f"CIFAR-10: decoding {path.name} once into {cache} ...", flush=True)
        if form == "cifar10_python":
            arrays = decode_python_archive(path, DATASETS["cifar10_python"].sha256)
        else:
            arrays = decode_jpeg_archive(path)
        _save_npz_atomic(cache, arrays)
    if verbose:
        print(
            f"CIFAR-10: using {form} ({path.name}); "
            f"{len(arrays['y_train'])} train / {len(arrays['y_test'])} test images"
        )
    return Cifar10(form=form, **arrays)


def _save_npz_atomic(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write to a temp file and rename, so a run interrupted mid-write never leaves a broken cache."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".npz")
    os.close(fd)
    try:
        np.savez(tmp, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
