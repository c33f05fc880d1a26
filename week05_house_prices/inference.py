"""Load the saved week-5 model and predict house values: the one `predict` of this unit.

The model file is skops (never pickle; `shared.sklearn_io`) with a JSON sidecar that records the input columns
and the range of every feature on the training rows. `predict` refuses input the model cannot use — a missing
column, text, an empty cell, `inf` or `1e309` — naming the column and row, and warns (without failing) when a
value lies far outside what the model was trained on: trees predict a flat value beyond their last split and
a linear model extrapolates a straight line, and neither is evidence about such a district.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from shared import sklearn_io
from shared.errors import DataError
from shared.paths import outputs_dir
from week05_house_prices.house_price_model import FEATURES, MODEL_FILE

RANGE_MARGIN = 0.1  # warn when a value is beyond the training min/max by more than 10% of the training range


class OutOfRangeWarning(UserWarning):
    """An input value far outside the training range: the prediction is an extrapolation."""


@dataclass(frozen=True)
class HouseModel:
    estimator: Any  # the fitted scikit-learn/XGBoost regressor
    metadata: dict[str, Any]  # the sidecar: input columns, training ranges, metrics, versions, seed


def default_model_path() -> Path:
    """Where a full run (`roadmap run week05`) saves the model."""
    return outputs_dir("week05_house_prices") / MODEL_FILE


def load_model(path: Path | str | None = None) -> HouseModel:
    """The model and its sidecar; a missing, damaged or untrusted file is a RoadmapError (exit 2 in the CLI)."""
    path = Path(path) if path is not None else default_model_path()
    return HouseModel(sklearn_io.load_model(path), sklearn_io.read_metadata(path))


def check_inputs(frame: pd.DataFrame, columns: list[str] = FEATURES) -> pd.DataFrame:
    """The model's input: `columns` as finite floats, or a DataError naming the first bad column and row."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"input is missing column(s) {missing}; the model needs {columns}")
    features = sklearn_io.require_numeric(frame, columns)[columns]
    for column in columns:
        bad = ~np.isfinite(features[column].to_numpy())
        if bad.any():
            row = int(bad.nonzero()[0][0])
            raise DataError(f"column {column!r} must be a finite number; row {row + 1} has {frame[column].iloc[row]!r}")
    return features


def out_of_range(features: pd.DataFrame, ranges: dict[str, list[float]], margin: float = RANGE_MARGIN) -> list[str]:
    """One message per column with values beyond its training [min, max] by more than `margin` × the range."""
    messages = []
    for column, (low, high) in ranges.items():
        slack = margin * (high - low)
        values = features[column].to_numpy()
        outside = (values < low - slack) | (values > high + slack)
        if outside.any():
            rows = (outside.nonzero()[0] + 1).tolist()
            shown = ", ".join(map(str, rows[:5])) + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")
            messages.append(
                f"column {column!r}: row(s) {shown} lie far outside the training range [{low:.4g}, {high:.4g}]; "
                "the prediction is an extrapolation"
            )
    return messages


def predict(model: HouseModel, inputs: pd.DataFrame) -> np.ndarray:
    """Median house value ($100k) for every row of `inputs` (a DataFrame with the eight feature columns)."""
    features = check_inputs(inputs, model.metadata.get("input_columns", FEATURES))
    for message in out_of_range(features, model.metadata.get("training_range", {})):
        warnings.warn(message, OutOfRangeWarning, stacklevel=2)
    return model.estimator.predict(features)
