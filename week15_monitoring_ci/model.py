"""The monitored model: is a wine above average (tasters' grade ≥ 6)? Logistic regression on the 11 measurements.

Deliberately small: this week is about watching a model, not building one, and retraining must be cheap enough
to run whenever an alert asks for it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from shared.data.loaders import load_wine, read_csv_checked
from shared.errors import DataError
from shared.sklearn_io import load_model, require_numeric, save_model

TARGET = "good"
GOOD_FROM = 6  # grade ≥ 6: about 63% of wines
DATASETS = ("wine_red", "wine_white")


def load_wines() -> pd.DataFrame:
    """Red and white wines: the 11 measurements and `good` (0/1); `quality` itself is dropped."""
    wines = pd.concat([load_wine("red"), load_wine("white")], ignore_index=True)
    return wines.assign(**{TARGET: (wines.pop("quality") >= GOOD_FROM).astype(int)})


def features_of(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c != TARGET]


def fit(frame: pd.DataFrame, seed: int) -> Pipeline:
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, random_state=seed))
    return model.fit(frame[features_of(frame)], frame[TARGET])


def retrain(data: Path, out: Path, seed: int) -> Path:
    """The retraining command's work: fit on the labelled rows in `data` (CSV), save to `out` (skops + sidecar)."""
    frame = read_csv_checked(data, [TARGET])  # no `good` column: not labelled rows
    columns = features_of(frame)
    frame = require_numeric(frame, [*columns, TARGET])
    if frame[TARGET].nunique() < 2:
        raise DataError(f"{data} holds only one class; retraining needs good and other wines")
    model = fit(frame, seed)
    return save_model(model, out, {"seed": seed, "datasets": list(DATASETS), "input_columns": columns,
                                   "trained_on_rows": len(frame)})  # fmt: skip


def load(path: Path) -> Pipeline:
    return load_model(path)
