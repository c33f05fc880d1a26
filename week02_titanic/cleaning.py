"""Titanic cleaning rules: small, pure functions (no I/O) that week 7 reuses through this public API.

Every rule fills a gap without dropping a row, and every rule is idempotent: cleaning a cleaned frame
changes nothing. Rules that *learn* a value from data (the age medians, the Embarked mode) are split into
`fit_cleaning_params` and `clean_titanic(df, params)`, so a model week can learn them on the training
split only and apply them unchanged to the test split (no leakage).

Stable API (week 7 imports it): `extract_title`, `age_medians`, `impute_age`, `fill_embarked`,
`fill_fare`, `cabin_features`, `CleaningParams`, `fit_cleaning_params`, `clean_titanic`, `missing_report`,
`duplicate_report`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from shared.errors import DataError

# Rare honorifics folded into the four common ones (or "Rare"), so every (title, class) group that
# drives the age rule has enough passengers for a meaningful median.
TITLE_MAP = {
    "Mr": "Mr",
    "Mrs": "Mrs",
    "Mme": "Mrs",  # French Madame
    "Miss": "Miss",
    "Mlle": "Miss",  # French Mademoiselle
    "Ms": "Miss",
    "Master": "Master",  # boys under about 13: the strongest age signal in the data
}
RARE_TITLE = "Rare"
UNKNOWN_DECK = "U"

# Columns `clean_titanic` promises to leave without missing values.
FILLED_COLUMNS = ["Age", "Embarked", "Fare", "Title", "Deck", "HasCabin", "AgeImputed"]
REQUIRED_COLUMNS = ["Name", "Pclass", "Age", "Embarked"]


def extract_title(names: pd.Series) -> pd.Series:
    """Honorific from "Surname, Title. Given names", folded into Mr/Mrs/Miss/Master/Rare.

    Why: the title encodes age and marital status (a "Master" is a boy, a "Miss" often young and
    unmarried), which is exactly what we need to impute a missing age better than one global median.
    """
    raw = names.astype("string").str.extract(r",\s*([^.]+)\.", expand=False).str.strip()
    return raw.map(lambda t: TITLE_MAP.get(t, RARE_TITLE) if isinstance(t, str) else RARE_TITLE).astype("string")


def age_medians(df: pd.DataFrame) -> pd.Series:
    """Median known age per (Title, Pclass); index is a (Title, Pclass) MultiIndex.

    Why median and why these groups: ages are right-skewed (a mean is pulled up by the few elderly), and
    title × class separates children from adults and the older first-class passengers from the younger
    third-class ones, so the imputed values keep the age-by-class structure instead of flattening it.
    """
    titles = df["Title"] if "Title" in df else extract_title(df["Name"])
    return df.assign(Title=titles).groupby(["Title", "Pclass"], observed=True)["Age"].median().dropna()


def impute_age(df: pd.DataFrame, medians: pd.Series | None = None) -> pd.DataFrame:
    """Fill missing `Age` with the (Title, Pclass) median.

    A (title, class) pair with no known age (possible in a small test split) falls back to the median of that
    title's class medians, then to the median of all group medians: `medians` is all this function needs,
    so rules learned on a training split apply unchanged to any other split.

    Adds a boolean `AgeImputed` so an analysis can compare real and imputed ages (and a model can use
    "age was unknown" as a signal). Returns a new frame; the input is not modified.
    """
    out = df.copy()
    if "Title" not in out:
        out["Title"] = extract_title(out["Name"])
    medians = age_medians(out) if medians is None else medians
    missing = out["Age"].isna()
    keys = pd.MultiIndex.from_arrays([out["Title"], out["Pclass"]])  # one (title, class) lookup per row
    by_group = pd.Series(medians.reindex(keys).to_numpy(dtype="float64"), index=out.index)
    by_title = out["Title"].map(medians.groupby(level=0).median()).astype("float64")
    fallback = by_group.fillna(by_title).fillna(float(medians.median()))
    out["Age"] = out["Age"].where(~missing, fallback)
    previously = out["AgeImputed"].astype(bool) if "AgeImputed" in out else False
    out["AgeImputed"] = missing | previously
    return out


def fill_embarked(df: pd.DataFrame, value: str | None = None) -> pd.DataFrame:
    """Fill missing `Embarked` with `value` (default: the most common port, Southampton in this data).

    Only two passengers lack it; the mode is the least surprising guess and cannot move any rate by more
    than 2/891.
    """
    out = df.copy()
    value = value if value is not None else str(out["Embarked"].mode(dropna=True).iloc[0])
    out["Embarked"] = out["Embarked"].fillna(value)
    return out


def fill_fare(df: pd.DataFrame, medians: pd.Series | None = None) -> pd.DataFrame:
    """Fill a missing `Fare` with the median fare of the passenger's class (`medians` indexed by Pclass).

    train.csv has no missing fare, but Kaggle's test.csv has one; fares differ tenfold between classes,
    so the class median is the natural guess.
    """
    out = df.copy()
    if "Fare" not in out:
        return out
    medians = out.groupby("Pclass")["Fare"].median() if medians is None else medians
    out["Fare"] = out["Fare"].fillna(out["Pclass"].map(medians)).astype("float64")
    return out


def cabin_features(df: pd.DataFrame) -> pd.DataFrame:
    """Replace `Cabin` (77% missing, free text) by `Deck` (first letter, "U" = unknown) and `HasCabin`.

    A missing cabin is not random: cabins were recorded mostly for first-class passengers, so
    "has a cabin" is itself information; the exact cabin number is not, at this sample size.
    A frame that was already reduced (no `Cabin`, has `Deck`) is returned unchanged.
    """
    out = df.copy()
    if "Cabin" not in out:
        if "Deck" in out and "HasCabin" in out:
            return out
        raise DataError("cannot derive Deck/HasCabin: column 'Cabin' is missing")
    cabin = out["Cabin"].astype("string")
    out["HasCabin"] = cabin.notna().astype(bool)
    out["Deck"] = cabin.str[0].fillna(UNKNOWN_DECK).astype("string")
    return out.drop(columns="Cabin")


@dataclass(frozen=True)
class CleaningParams:
    """Values learned from (training) data: apply the same ones to any other split."""

    age_medians: pd.Series
    embarked_mode: str
    fare_medians: pd.Series | None = None


def fit_cleaning_params(df: pd.DataFrame) -> CleaningParams:
    """Learn the age medians and the Embarked mode from `df` (pass only the training split)."""
    _check_columns(df)
    return CleaningParams(
        age_medians=age_medians(df),
        embarked_mode=str(df["Embarked"].mode(dropna=True).iloc[0]),
        fare_medians=df.groupby("Pclass")["Fare"].median() if "Fare" in df else None,
    )


def clean_titanic(df: pd.DataFrame, params: CleaningParams | None = None) -> pd.DataFrame:
    """The full cleaning: title, age, port, fare, deck. Same rows in, same rows out; idempotent; pure.

    `params=None` learns the rules from `df` itself (fine for descriptive analysis of one table);
    a model week passes params fitted on its training split.
    """
    _check_columns(df)
    params = params or fit_cleaning_params(df)
    out = df.copy()
    out["Title"] = extract_title(out["Name"])
    out = impute_age(out, params.age_medians)
    out = fill_embarked(out, params.embarked_mode)
    out = fill_fare(out, params.fare_medians)
    out = cabin_features(out)
    if len(out) != len(df):  # a guard, not a rule: no cleaning step may drop or duplicate a row
        raise AssertionError("cleaning changed the number of rows")
    return out


def missing_report(df: pd.DataFrame) -> pd.DataFrame:
    """Missing values per column: `missing` (count) and `missing_pct` (% of rows), largest first."""
    counts = df.isna().sum()
    return (
        pd.DataFrame({"missing": counts, "missing_pct": 100 * counts / max(len(df), 1)})
        .sort_values("missing", ascending=False)
        .rename_axis("column")
    )


def duplicate_report(df: pd.DataFrame, id_column: str = "PassengerId") -> dict[str, int]:
    """Count repeated ids and repeated passengers (identical on every column but the id). Drops nothing."""
    others = [c for c in df.columns if c != id_column]
    return {
        "duplicate_ids": int(df[id_column].duplicated().sum()) if id_column in df else 0,
        "duplicate_records": int(df.duplicated(subset=others).sum()),
    }


def _check_columns(df: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if "Cabin" not in df.columns and not {"Deck", "HasCabin"} <= set(df.columns):
        missing.append("Cabin")
    if missing:
        raise DataError(f"Titanic data is missing column(s) {missing}; found {list(df.columns)}")
