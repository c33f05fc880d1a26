"""The week's data: AG News (the items the local news site publishes) and BBC News (the shifted stream for monitoring).

Only this unit reads these files, so the loaders live here (the rule: `shared/data` when two units use one). Both
go through `shared.data.fetch`: the env-selected cache, sha256 checked, a clear message when a file is missing.

Offline, the mirror holds AG News `test.csv` only (7,600 items, 1,900 per class); the official 120,000-row train
split is not there. `split()` therefore cuts that file into stratified train/validation/test parts, and
`load_ag_news(full_data=True)` (the pipeline's `--full-data`) downloads the official train.csv for a user with
internet, keeping the official test split as the test set.
"""

from __future__ import annotations

import html
import re

import pandas as pd
from sklearn.model_selection import train_test_split

from shared.data import derived_dir, fetch, read_csv_checked
from shared.data.fetch import get as dataset_info
from shared.errors import DataError

SPLIT_FRACTIONS = (0.70, 0.15, 0.15)  # train / validation / test, stratified by label
FULL_TRAIN_FILE = "train.csv"  # the official AG News train split, next to the registry's test.csv URL

# AG News' own mapping of BBC categories we can compare with; entertainment has no AG News class.
BBC_TO_AG = {"business": "Business", "sport": "Sports", "tech": "Sci/Tech", "politics": "World"}

_MANGLED_ENTITY = re.compile(r" ?(?<![&\w])(#\d+;|quot;|amp;|lt;|gt;)")  # the crawl turned "&" into " "


def clean_ag_text(text: str) -> str:
    """Undo AG News' crawl artefacts: `" #39;"` for `&#39;`, `" quot;"` for `&quot;`, `\\` for a line break.

    The 2004 crawl lost the `&` of many HTML entities; `html.unescape` then maps the cp1252 code points
    (`&#151;`) to the characters a browser would show (an em dash). Raw HTML fragments that a few
    descriptions carry (`<FONT ...>`, ticker symbols such as `<AAPL.O>`) are left as text.
    """
    text = _MANGLED_ENTITY.sub(r"&\1", text)
    text = html.unescape(text).replace("\\", " ")
    return " ".join(text.split())


def load_classes() -> list[str]:
    """The four AG News class names in label-id order (classes.txt): World, Sports, Business, Sci/Tech."""
    names = [line.strip() for line in fetch("ag_news_classes").read_text(encoding="utf-8").splitlines()]
    names = [name for name in names if name]
    if len(names) != 4:
        raise DataError(f"AG News classes.txt should list 4 classes, found {names}")
    return names


def _read_ag_csv(path) -> pd.DataFrame:
    frame = read_csv_checked(
        path, ["label_id", "title", "description"], header=None, names=["label_id", "title", "description"],
        dtype={"label_id": "int64", "title": "str", "description": "str"}, keep_default_na=False,
    )  # fmt: skip
    classes = load_classes()
    if not frame["label_id"].between(1, len(classes)).all():
        raise DataError(f"{path}: class index outside 1..{len(classes)}")
    frame["label_id"] = frame["label_id"] - 1  # the CSV counts from 1; models count from 0
    frame["label"] = frame["label_id"].map(dict(enumerate(classes))).astype("str")
    for column in ("title", "description"):
        frame[column] = frame[column].map(clean_ag_text).astype("str")
    return frame[["title", "description", "label", "label_id"]]


def load_ag_news(*, full_data: bool = False) -> pd.DataFrame:
    """AG News as columns title, description, label (World/Sports/Business/Sci/Tech), label_id (0..3).

    Default: the mirror's test.csv, 7,600 rows. `full_data=True` adds the official 120,000-row train split
    (downloaded once, needs internet) and a column `official_split` ("train"/"test") that `split()` honours.
    """
    test = _read_ag_csv(fetch("ag_news_test"))
    if not full_data:
        return test
    train = _read_ag_csv(_fetch_full_train())
    return pd.concat([train.assign(official_split="train"), test.assign(official_split="test")], ignore_index=True)


def _fetch_full_train():
    """Download the official train.csv through pooch into the derived cache (no checksum: see below).

    The registry pins a sha256 for every file the offline course uses; this one is not in it (the mirror
    does not hold it, so nobody here could hash it). pooch prints the sha256 it downloaded so a user can
    pin it; we say plainly that it was not verified.
    """
    import pooch

    url = dataset_info("ag_news_test").url.rsplit("/", 1)[0] + "/" + FULL_TRAIN_FILE
    folder = derived_dir("week16_ag_news_full")
    target = folder / FULL_TRAIN_FILE
    if not target.is_file():
        print(f"downloading the full AG News train split from {url}; no checksum is pinned for it "
              "(the offline mirror does not hold it), so its sha256 is printed, not verified")  # fmt: skip
    try:
        return pooch.retrieve(url, known_hash=None, fname=FULL_TRAIN_FILE, path=folder, progressbar=True)
    except Exception as exc:  # noqa: BLE001 - any network failure becomes one clear message
        raise DataError(
            f"--full-data needs internet: downloading {url} failed ({type(exc).__name__}: {exc}). "
            f"Run without --full-data to use the 7,600 offline items, or place the file at {target}."
        ) from None


def load_bbc() -> pd.DataFrame:
    """BBC News full text (2,225 articles, 2004-05): title, text, label (BBC category), ag_label, source="bbc".

    `ag_label` maps the four categories AG News also has (politics → World, the closest class; entertainment → none)
    so accuracy can be measured under the shift; `text` is the article body, much longer than AG descriptions.
    """
    frame = read_csv_checked(
        fetch("bbc_news"), ["category", "title", "text"], dtype={"category": "str", "title": "str", "text": "str"},
        keep_default_na=False,
    )  # fmt: skip
    frame = frame.rename(columns={"category": "label"})
    frame["ag_label"] = frame["label"].map(BBC_TO_AG)
    frame["source"] = "bbc"
    return frame[["title", "text", "label", "ag_label", "source"]]


def split(df: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(train, validation, test), stratified by `label`: 70/15/15 of the offline items.

    With the full data (an `official_split` column), the official test split is the test set and the validation
    set is a stratified slice of the official train split as large as that test set.
    """
    if "label" not in df.columns:
        raise DataError(f"split() needs a 'label' column; found {list(df.columns)}")
    if "official_split" in df.columns:
        test = df[df["official_split"] == "test"]
        rest = df[df["official_split"] == "train"]
        train, val = train_test_split(rest, test_size=len(test), stratify=rest["label"], random_state=seed)
    else:
        _, val_frac, test_frac = SPLIT_FRACTIONS
        rest, test = train_test_split(df, test_size=test_frac, stratify=df["label"], random_state=seed)
        train, val = train_test_split(
            rest, test_size=val_frac / (1 - test_frac), stratify=rest["label"], random_state=seed
        )
    return tuple(part.reset_index(drop=True) for part in (train, val, test))  # type: ignore[return-value]
