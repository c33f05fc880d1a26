"""Load the saved week-5 model and predict house values: the one `predict` of this unit.

The model file is skops (never pickle; `shared.sklearn_io`) with a JSON sidecar that records the input columns
and the range of every feature on the training rows. `predict` refuses input the model cannot use — a missing
column, text, an empty cell, `inf` or `1e309` — naming the column and row, and warns (without failing) when a
value lies far outside what the model was trained on: trees predict a flat value beyond their last split and
a linear model extrapolates a straight line, and neither is evidence about such a district.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from shared import sklearn_io
from shared.paths import outputs_dir
from shared.sklearn_io import OutOfRangeWarning, check_features  # re-exported: this unit's input contract
from week05_house_prices.house_price_model import FEATURES, MODEL_FILE

__all__ = ["OutOfRangeWarning", "check_features", "default_model_path", "load_model", "predict"]


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


def predict(model: HouseModel, inputs: pd.DataFrame) -> np.ndarray:
    """Median house value ($100k) for every row of `inputs` (a DataFrame with the eight feature columns)."""
    features = sklearn_io.check_features(inputs, model.metadata.get("input_columns", FEATURES))
    sklearn_io.warn_out_of_range(features, model.metadata.get("training_range", {}))
    return model.estimator.predict(features)
