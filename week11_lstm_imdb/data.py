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
import pandas as pd

from shared.data import data_dir
from shared.errors import DataError

COLUMNS = ["review", "sentiment", "rating", "file"]
# sha256 of the uncompressed CSVs in the course mirror (its MANIFEST notes): the builder checks them.
CSV_SHA256 = {
    "train": "48afd054eca624ea43624d560c8f1aad4a85f75777cfab692901343d753dc7bf",
    "test": "3b872e0180422f16be433fa132c3de86c832469433077ecd0cc8433315ac1035",
}
_MEMBER = re.compile(r"^(?:\./)?aclImdb/(train|test)/(neg|pos)/(\d+)_(\d+)\.txt$")


# --- loading ---------------------------------------------------------------------------------------
def subsample(frame: pd.DataFrame, size: int | None, seed: int) -> pd.DataFrame:
    """A random subset for fast mode, in file order (IMDB files are sorted neg-then-pos: never take a head slice)."""
    if size is None or size >= len(frame):
        return frame
    keep = np.sort(np.random.default_rng(seed).choice(len(frame), size=size, replace=False))
    return frame.iloc[keep].reset_index(drop=True)


# --- validation split: by film, as closely as the data allows -------------------------------------
def film_blocks(files: pd.Series, block: int = 100) -> pd.Series:
    """A stand-in for the film: `pos/3` holds positive reviews 300-399.

    The mirror has no film id (the archive's `urls_*.txt` files are not in it), but the reviews of one film
    carry consecutive numbers (see `neighbour_overlap`), so a block of consecutive numbers holds whole films,
    except those that straddle a block edge. Positive and negative reviews are numbered separately, so the
    positive and negative reviews of one film can still fall on both sides of the split.
    """
    parts = files.str.extract(r"(?P<polarity>pos|neg)/(?P<number>\d+)_")
    return parts["polarity"] + "/" + (parts["number"].astype(int) // block).astype(str)


def validation_mask(frame: pd.DataFrame, val_fraction: float, seed: int, *, block: int | None = 100) -> np.ndarray:
    """True for the reviews held out for validation: whole film blocks, or (`block=None`) reviews at random.

    Balanced: the same fraction of groups is drawn from each polarity. Every choice of the week (epochs,
    C, embeddings, ensemble weight) is made on these reviews; the test set is never used for it.
    """
    rng = np.random.default_rng(seed)
    labels = frame["label"].to_numpy()
    groups = np.arange(len(frame)).astype(str) if block is None else film_blocks(frame["file"], block).to_numpy()
    is_val = np.zeros(len(frame), dtype=bool)
    for label in (0, 1):
        names = np.unique(groups[labels == label])
        chosen = rng.choice(names, size=max(1, round(val_fraction * len(names))), replace=False)
        is_val |= (labels == label) & np.isin(groups, chosen)
    return is_val


def neighbour_overlap(frame: pd.DataFrame, token_lists: list[list[str]], distances=(1, 5, 10, 30, 100)) -> pd.DataFrame:
    """How many rare words (names, titles) two reviews `d` numbers apart share, on average (Jaccard).

    If a film's reviews are numbered consecutively, near neighbours share character and actor names and
    far ones do not. "Rare" = in 2 to 20 of these reviews.
    """
    from collections import Counter

    sets = [set(tokens) for tokens in token_lists]
    counts = Counter(word for words in sets for word in words)
    rare = [{w for w in words if 2 <= counts[w] <= 20} for words in sets]
    parts = frame["file"].str.extract(r"(pos|neg)/(\d+)_")
    position = {(pol, int(num)): i for i, (pol, num) in enumerate(zip(parts[0], parts[1], strict=True))}
    rows = []
    for distance in distances:
        overlaps = [
            len(rare[i] & rare[j]) / max(1, len(rare[i] | rare[j]))
            for (pol, num), i in position.items()
            if (j := position.get((pol, num + distance))) is not None
        ]
        rows.append({"distance": distance, "pairs": len(overlaps), "rare-word overlap": float(np.mean(overlaps))})
    return pd.DataFrame(rows)


# --- batching -------------------------------------------------------------------------------------
def length_bucketed_batches(
    lengths: np.ndarray, batch_size: int, rng: np.random.Generator | None = None, pool: int = 50
) -> list[np.ndarray]:
    """Index batches whose reviews have similar lengths, so little padding is left to compute on.

    Training (`rng` given): shuffle, sort inside pools of `pool` batches, shuffle the batch order, so
    batches stay random from epoch to epoch. Evaluation (`rng=None`): batches of *equal* length only, so
    there is no padding at all and a review's prediction never depends on which reviews share its batch
    (the backward half of the LSTM would otherwise read padding before the review's last word).
    """
    if rng is None:
        batches = []
        for length in np.unique(lengths):
            same = np.flatnonzero(lengths == length)
            batches += [same[i : i + batch_size] for i in range(0, len(same), batch_size)]
        return batches
    order = rng.permutation(len(lengths))
    batches = []
    for start in range(0, len(order), batch_size * pool):
        part = order[start : start + batch_size * pool]
        part = part[np.argsort(lengths[part], kind="stable")]
        batches += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


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
