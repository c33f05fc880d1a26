"""The wine data and the three model families week 13 tracks: one place, used by the DVC stages and the sweep."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import RegressorMixin
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import ElasticNet
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from xgboost import XGBRegressor

from shared.data import load_wine

DATASETS = ("wine_red", "wine_white")
FEATURES = [
    "fixed_acidity", "volatile_acidity", "citric_acid", "residual_sugar", "chlorides", "free_sulfur_dioxide",
    "total_sulfur_dioxide", "density", "ph", "sulphates", "alcohol", "is_red",
]  # fmt: skip
TARGET = "quality"  # the median of at least three tasters' grades, 0-10 (3-9 occur)
FAMILIES = ("elasticnet", "random_forest", "xgboost")


def load_wines() -> pd.DataFrame:
    """Red and white wines in one frame (snake_case columns, `is_red` 0/1), read through the verifying registry."""
    frames = [load_wine(colour).assign(is_red=float(colour == "red")) for colour in ("red", "white")]
    frame = pd.concat(frames, ignore_index=True)
    frame.columns = [c.strip().replace(" ", "_").lower() for c in frame.columns]
    # Every feature a float (is_red too): the MLflow signature then accepts 0/1 and missing-free floats alike.
    return frame[FEATURES + [TARGET]].astype({"is_red": "float64"})


def make_model(family: str, params: dict[str, Any], seed: int) -> RegressorMixin:
    """An unfitted regressor of `family` with `params`; n_jobs=1 because the sweep runs on a shared 2-core CPU."""
    if family == "elasticnet":
        return make_pipeline(StandardScaler(), ElasticNet(**params, random_state=seed, max_iter=10_000))
    if family == "random_forest":
        return RandomForestRegressor(**params, random_state=seed, n_jobs=1)
    if family == "xgboost":
        return XGBRegressor(**params, random_state=seed, n_jobs=1)
    raise ValueError(f"unknown model family {family!r}; choose one of {FAMILIES}")


def grid(values: dict[str, list]) -> list[dict[str, Any]]:
    """Every combination of a family's lists: {'a': [1, 2], 'b': [3]} → [{'a': 1, 'b': 3}, {'a': 2, 'b': 3}]."""
    keys = list(values)
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(values[k] for k in keys))]


def rmse(y: np.ndarray, pred: np.ndarray, axis: int = -1) -> np.ndarray:
    """Root mean squared error along `axis` (vectorised, so the bootstrap scores many resamples at once)."""
    return np.sqrt(np.mean((np.asarray(y) - np.asarray(pred)) ** 2, axis=axis))


def mae(y: np.ndarray, pred: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(np.abs(np.asarray(y) - np.asarray(pred)), axis=axis)
