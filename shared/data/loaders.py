"""Ready-to-use DataFrames for the tabular datasets, with explicit dtypes and a column check.

Each loader verifies the file (through `fetch`) and fails with a message that names the missing
columns, rather than a KeyError three functions later.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from shared.data.fetch import data_dir, fetch
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


MALL_COLUMNS = ["CustomerID", "Genre", "Age", "Annual Income (k$)", "Spending Score (1-100)"]


def load_mall_customers(path: Path | str | None = None) -> pd.DataFrame:
    """Mall Customers (200 rows), columns renamed to snake_case: customer_id, gender, age, income_k, spending_score."""
    frame = read_csv_checked(path or fetch("mall_customers"), MALL_COLUMNS, dtype={"CustomerID": "string"})
    return frame.rename(
        columns={
            "CustomerID": "customer_id",
            "Genre": "gender",
            "Age": "age",
            "Annual Income (k$)": "income_k",
            "Spending Score (1-100)": "spending_score",
        }
    ).astype({"gender": "category", "age": "int64", "income_k": "int64", "spending_score": "int64"})


SPACESHIP_COLUMNS = [
    "PassengerId", "HomePlanet", "CryoSleep", "Cabin", "Destination", "Age", "VIP",
    "RoomService", "FoodCourt", "ShoppingMall", "Spa", "VRDeck", "Name",
]  # fmt: skip


def load_spaceship_titanic(path: Path | str | None = None, *, labelled: bool = True) -> pd.DataFrame:
    """Spaceship Titanic train.csv (8,693 rows); booleans become pandas nullable `boolean`.

    `labelled=False` accepts a Kaggle test.csv (no `Transported` column).
    """
    required = SPACESHIP_COLUMNS + (["Transported"] if labelled else [])
    frame = read_csv_checked(path or fetch("spaceship_titanic"), required, dtype={"PassengerId": "string"})
    for column in ["CryoSleep", "VIP"] + (["Transported"] if labelled else []):
        frame[column] = frame[column].astype("boolean")
    return frame


MELANOMA_COLUMNS = [
    "image_name", "patient_id", "sex", "age_approx", "anatom_site_general_challenge",
    "diagnosis", "benign_malignant", "target",
]  # fmt: skip


def load_melanoma_metadata(path: Path | str | None = None) -> pd.DataFrame:
    """SIIM-ISIC 2020 training metadata (33,126 rows); `sex`, `age_approx` and site have gaps."""
    frame = read_csv_checked(path or fetch("melanoma_metadata"), MELANOMA_COLUMNS)
    return frame.astype({"sex": "category", "anatom_site_general_challenge": "category", "target": "int64"})


def load_california(*, as_frame: bool = True):
    """California housing through scikit-learn's own fetcher, cached inside our data folder.

    When the cached file is present its hash is checked first; when it is missing scikit-learn
    downloads it (and checks the source archive's hash itself).
    """
    from sklearn.datasets import fetch_california_housing

    from shared.data.fetch import check

    status, path = check("california_housing")
    if status == "corrupt":
        fetch("california_housing")  # raises the standard hash-mismatch message
    try:
        return fetch_california_housing(
            data_home=data_dir() / "scikit_learn_data", as_frame=as_frame, download_if_missing=status == "missing"
        )
    except OSError as exc:
        raise DataError(
            f"California housing is not in the cache ({path}) and could not be downloaded ({exc}). "
            "Run with internet once, or copy cal_housing_py3.pkz from the course data mirror to that path."
        ) from None


def load_sst2(split: str) -> pd.DataFrame:
    """GLUE SST-2 'train' (67,349) or 'dev' (872) as columns sentence (str), label (0/1)."""
    if split not in ("train", "dev"):
        raise DataError(f"SST-2 split must be 'train' or 'dev', got {split!r}")
    frame = read_csv_checked(fetch(f"sst2_{split}"), ["sentence", "label"], sep="\t", quoting=3, keep_default_na=False)
    frame["sentence"] = frame["sentence"].str.strip()
    return frame.astype({"label": "int64"})
