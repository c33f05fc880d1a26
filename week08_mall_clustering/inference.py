"""Load the saved week-8 segmentation and assign customers to segments: the one `predict` of this unit.

    from week08_mall_clustering.inference import load_model, predict
    model = load_model()                        # outputs/week08_mall_clustering/model.skops (+ model.json)
    predict(model, customers)                   # one segment number per row of a DataFrame

The file is skops (never pickle; `shared.sklearn_io`): the scaler and K-Means centres learned from the 200
customers. Its sidecar records the input columns, the range of each feature in the data and each segment's
description in words. `predict` refuses input the pipeline cannot use (a missing column, text, an empty
cell, `inf`) naming the column and row, and warns, without failing, about values far outside the data: such
a customer is still assigned to the nearest centre, but no segment was made with anyone like them in it.
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

FEATURES = ["age", "income_k", "spending_score"]
MODEL_FILE = "model.skops"
RANGE_MARGIN = 0.25  # warn beyond the data's min/max by more than 25% of its range


class OutOfRangeWarning(UserWarning):
    """An input value far outside the customers the segments were made from."""


@dataclass(frozen=True)
class Segmenter:
    pipeline: Any  # StandardScaler → KMeans, fitted
    metadata: dict[str, Any]  # the sidecar: input columns, ranges, profiles, metrics, versions, seed


def default_model_path() -> Path:
    """Where a full run (`roadmap run week08`) saves the model."""
    return outputs_dir("week08_mall_clustering") / MODEL_FILE


def load_model(path: Path | str | None = None) -> Segmenter:
    """The pipeline and its sidecar; a missing, damaged or untrusted file is a RoadmapError (exit 2 in the CLI)."""
    path = Path(path) if path is not None else default_model_path()
    return Segmenter(sklearn_io.load_model(path), sklearn_io.read_metadata(path))


def check_inputs(frame: pd.DataFrame, columns: list[str] = FEATURES) -> pd.DataFrame:
    """The model's input: `columns` as finite floats, or a DataError naming the first bad column and row."""
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"predict needs a pandas DataFrame with columns {columns}, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"input is missing column(s) {missing}; the model needs {columns}")
    if frame.empty:
        raise DataError("input has no rows")
    return sklearn_io.require_numeric(frame, columns)[columns]


def out_of_range(features: pd.DataFrame, ranges: dict[str, list[float]]) -> list[str]:
    """One message per column with values beyond the data's [min, max] by more than RANGE_MARGIN × its range."""
    messages = []
    for column, (low, high) in ranges.items():
        slack = RANGE_MARGIN * (high - low)
        values = features[column].to_numpy()
        outside = (values < low - slack) | (values > high + slack)
        if outside.any():
            rows = (outside.nonzero()[0] + 1).tolist()
            messages.append(
                f"column {column!r}: row(s) {', '.join(map(str, rows[:5]))}{' …' if len(rows) > 5 else ''} lie far "
                f"outside the customers' range [{low:g}, {high:g}]; the segment is only the nearest centre"
            )
    return messages


def predict(model: Segmenter, inputs: pd.DataFrame) -> np.ndarray:
    """The segment number of every row of `inputs` (a DataFrame with age, income_k, spending_score)."""
    features = check_inputs(inputs, model.metadata.get("input_columns", FEATURES))
    for message in out_of_range(features, model.metadata.get("training_range", {})):
        warnings.warn(message, OutOfRangeWarning, stacklevel=2)
    return model.pipeline.predict(features)
