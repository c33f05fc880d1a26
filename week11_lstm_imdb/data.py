"""IMDB reviews: load the official 25k/25k split, carve a validation set, batch by length.

Also rebuilds the mirror's CSVs from the official `aclImdb_v1.tar.gz`:
`python -m week11_lstm_imdb.data build-imdb-csv aclImdb_v1.tar.gz [--out DIR]`.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np

from shared.data import data_dir, derived_dir, fetch
from shared.errors import DataError

COLUMNS = ["review", "sentiment", "rating", "file"]
HUB_NAME = "stanfordnlp/imdb"
# sha256 of the uncompressed CSVs in the course mirror (its MANIFEST notes): the builder checks them.
CSV_SHA256 = {
    "train": "48afd054eca624ea43624d560c8f1aad4a85f75777cfab692901343d753dc7bf",
    "test": "3b872e0180422f16be433fa132c3de86c832469433077ecd0cc8433315ac1035",
}
_MEMBER = re.compile(r"^(?:\./)?aclImdb/(train|test)/(neg|pos)/(\d+)_(\d+)\.txt$")


# --- loading --------------------------------------------------------------------------------------
def load_imdb(source: str = "mirror") -> dict[str, tuple[list[str], np.ndarray]]:
    """{'train': (reviews, labels), 'test': (reviews, labels)} with label 1 = positive.

    Loaded through Hugging Face `datasets`, the library the curriculum teaches. `source="mirror"` reads
    the verified CSVs from the data cache (no network); a user with internet may pass the hub name
    `stanfordnlp/imdb`, which holds the same official split as columns text/label.
    """
    from datasets import load_dataset

    cache = str(derived_dir("hf_datasets"))
    if source == "mirror":
        files = {"train": str(fetch("imdb_train")), "test": str(fetch("imdb_test"))}
        raw = load_dataset("csv", data_files=files, cache_dir=cache, keep_default_na=False)
        missing = [c for c in ("review", "sentiment") if c not in raw["train"].column_names]
        if missing:
            raise DataError(f"IMDB CSV is missing column(s) {missing}; found {raw['train'].column_names}")
        return {
            split: (
                list(raw[split]["review"]),
                np.array([s == "positive" for s in raw[split]["sentiment"]], dtype=np.int64),
            )
            for split in ("train", "test")
        }
    raw = load_dataset(source, cache_dir=cache)
    return {
        split: (list(raw[split]["text"]), np.asarray(raw[split]["label"], dtype=np.int64))
        for split in ("train", "test")
    }


def split_train_val(n: int, val_fraction: float, seed: int, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Stratified train/validation indices: epochs and hyper-parameters are chosen on validation, never test."""
    from sklearn.model_selection import train_test_split

    return train_test_split(np.arange(n), test_size=val_fraction, random_state=seed, stratify=labels)


def subsample(n: int, size: int, seed: int) -> np.ndarray:
    """Sorted random indices for fast mode (IMDB files are sorted neg-then-pos: never take a head slice)."""
    return np.sort(np.random.default_rng(seed).choice(n, size=min(size, n), replace=False))


# --- batching -------------------------------------------------------------------------------------
def length_bucketed_batches(
    lengths: np.ndarray, batch_size: int, rng: np.random.Generator | None = None, pool: int = 50
) -> list[np.ndarray]:
    """Index batches whose reviews have similar lengths, so little padding is left to compute on.

    Training (`rng` given): shuffle, sort inside pools of `pool` batches, shuffle the batch order, so
    batches stay random from epoch to epoch. Evaluation (`rng=None`): one sort over everything.
    """
    order = np.arange(len(lengths)) if rng is None else rng.permutation(len(lengths))
    chunk = len(order) if rng is None else batch_size * pool
    batches = []
    for start in range(0, len(order), chunk):
        part = order[start : start + chunk]
        part = part[np.argsort(lengths[part], kind="stable")]
        batches += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
    if rng is not None:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches


# --- rebuilding the mirror CSVs from the official archive ----------------------------------------
def read_official_tar(tar_path: Path) -> dict[str, list[dict[str, str | int]]]:
    """Rows of train and test, sorted neg then pos by numeric id, as in the mirror (unsup/ is skipped)."""
    rows: dict[str, list[tuple[int, int, dict[str, str | int]]]] = {"train": [], "test": []}
    try:
        with tarfile.open(tar_path, "r:*") as tar:
            for member in tar:
                match = _MEMBER.match(member.name)
                if not match or not member.isfile():
                    continue
                split, polarity, ident, rating = match.groups()
                text = tar.extractfile(member).read().decode("utf-8")
                row = {
                    "review": text,
                    "sentiment": "positive" if polarity == "pos" else "negative",
                    "rating": int(rating),
                    "file": f"{split}/{polarity}/{ident}_{rating}.txt",
                }
                rows[split].append((polarity == "pos", int(ident), row))
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise DataError(f"{tar_path} is not a readable aclImdb_v1.tar.gz: {exc}") from None
    if not rows["train"] or not rows["test"]:
        raise DataError(
            f"{tar_path} holds no aclImdb/{{train,test}}/{{neg,pos}}/*.txt reviews; is it aclImdb_v1.tar.gz?"
        )
    return {split: [row for *_, row in sorted(items, key=lambda item: item[:2])] for split, items in rows.items()}


def rows_to_csv_bytes(rows: list[dict[str, str | int]]) -> bytes:
    """Python csv, minimal quoting, LF line ends, UTF-8: the mirror's exact byte format."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    """`gzip -9 -n` (no name, no time stamp), which reproduces the mirror's file hashes byte for byte.

    Python's zlib makes a different (equally valid) stream, so it is only the fallback where no
    `gzip` program exists; the registry's hash check would then reject the file.
    """
    if shutil.which("gzip"):
        return subprocess.run(["gzip", "-9", "-n", "-c"], input=data, capture_output=True, check=True).stdout
    return gzip.compress(data, compresslevel=9, mtime=0)


def build_imdb_csv(tar_path: Path, out_dir: Path) -> dict[str, Path]:
    """Write `aclImdb_{train,test}.csv.gz` into `out_dir` from the official archive; return their paths.

    Prints whether each uncompressed CSV matches the mirror's published sha256.
    """
    tar_path = Path(tar_path)
    if not tar_path.is_file():
        raise DataError(
            f"file not found: {tar_path} (download aclImdb_v1.tar.gz from https://ai.stanford.edu/~amaas/data/sentiment/)"
        )
    out_dir = Path(out_dir)
    written = {}
    for split, rows in read_official_tar(tar_path).items():
        data = rows_to_csv_bytes(rows)
        same = hashlib.sha256(data).hexdigest() == CSV_SHA256[split]
        path = out_dir / f"aclImdb_{split}.csv.gz"
        tmp = path.with_suffix(".gz.part")
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(gzip_bytes(data))
            tmp.replace(path)
        except OSError as exc:
            raise DataError(f"cannot write {path} ({exc}); pass --out with a writable folder") from None
        print(f"{path}: {len(rows)} reviews; content {'matches' if same else 'DIFFERS from'} the course mirror")
        written[split] = path
    return written


def main(argv: list[str] | None = None) -> int:
    from shared.cli import friendly_errors

    parser = argparse.ArgumentParser(prog="python -m week11_lstm_imdb.data", description="IMDB data tools")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build-imdb-csv", help="rebuild the two CSVs from the official aclImdb_v1.tar.gz")
    build.add_argument("tar", type=Path, help="path to aclImdb_v1.tar.gz")
    build.add_argument("--out", type=Path, default=None, help="output folder (default: <data cache>/imdb)")
    args = parser.parse_args(argv)

    @friendly_errors
    def _build() -> int:
        build_imdb_csv(args.tar, args.out or data_dir() / "imdb")
        return 0

    return _build()


if __name__ == "__main__":
    sys.exit(main())
