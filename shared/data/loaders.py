"""Ready-to-use DataFrames for the datasets more than one unit reads, with explicit dtypes and a column check.

The rule: a loader lives here when two units use it, in the unit (`<unit>/data.py`) otherwise. Each loader
verifies the file (through `fetch`) and fails with a message that names the missing columns, rather than a
KeyError three functions later.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from shared.data.fetch import fetch
from shared.errors import DataError


def read_csv_checked(path: Path | str, required: list[str], **kwargs) -> pd.DataFrame:
    """Read a CSV and insist on the columns the caller needs; any parse error becomes a DataError."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"file not found: {path}")
    try:
        frame = pd.read_csv(path, **kwargs)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"{path} is not a readable CSV file: {exc}") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataError(f"{path} is missing column(s) {missing}; found {list(frame.columns)}. Is it the right file?")
    if frame.empty:
        raise DataError(f"{path} has no data rows")
    return frame


TITANIC_DTYPES = {
    "PassengerId": "int64",
    "Survived": "int64",
    "Pclass": "int64",
    "Name": "string",
    "Sex": "category",
    "Age": "float64",
    "SibSp": "int64",
    "Parch": "int64",
    "Ticket": "string",
    "Fare": "float64",
    "Cabin": "string",
    "Embarked": "category",
}


def load_titanic(path: Path | str | None = None) -> pd.DataFrame:
    """Kaggle Titanic train.csv (891 rows). `Age`, `Cabin`, `Embarked` contain missing values."""
    return read_csv_checked(path or fetch("titanic"), list(TITANIC_DTYPES), dtype=TITANIC_DTYPES)


def load_wine(variant: str, path: Path | str | None = None) -> pd.DataFrame:
    """UCI wine quality, 'red' or 'white': 11 float physicochemical columns plus integer `quality`."""
    if variant not in ("red", "white"):
        raise DataError(f"wine variant must be 'red' or 'white', got {variant!r}")
    frame = read_csv_checked(path or fetch(f"wine_{variant}"), ["quality", "alcohol"], sep=";")
    return frame.astype({"quality": "int64"})


def load_sst2(split: str) -> pd.DataFrame:
    """GLUE SST-2 'train' (67,349) or 'dev' (872) as columns sentence (str), label (0/1)."""
    if split not in ("train", "dev"):
        raise DataError(f"SST-2 split must be 'train' or 'dev', got {split!r}")
    frame = read_csv_checked(fetch(f"sst2_{split}"), ["sentence", "label"], sep="\t", quoting=3, keep_default_na=False)
    frame["sentence"] = frame["sentence"].str.strip()
    return frame.astype({"label": "int64"})


def load_imdb(split: str) -> pd.DataFrame:
    """IMDB 'train' or 'test' (25,000 reviews each): review, label (1 = positive) and file.

    Read with Hugging Face `datasets` (`load_dataset("csv")`, the library the curriculum teaches) from the
    verified data cache, with no network. `file` is the review's path in the official archive, e.g.
    `train/pos/123_9.txt`: polarity, review number and star rating. Weeks 11 and 15 read it.
    """
    import numpy as np
    from datasets import load_dataset

    from shared.data.fetch import derived_dir

    if split not in ("train", "test"):
        raise DataError(f"IMDB split must be 'train' or 'test', got {split!r}")
    raw = load_dataset("csv", data_files={split: str(fetch(f"imdb_{split}"))}, split=split,
                       cache_dir=str(derived_dir("hf_datasets")), keep_default_na=False)  # fmt: skip
    missing = [c for c in ("review", "sentiment", "file") if c not in raw.column_names]
    if missing:
        raise DataError(f"IMDB CSV is missing column(s) {missing}; found {raw.column_names}")
    labels = np.array([s == "positive" for s in raw["sentiment"]], dtype=np.int64)
    return pd.DataFrame({"review": raw["review"], "label": labels, "file": raw["file"]})
