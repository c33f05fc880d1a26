"""Load the registered champion from MLflow and predict wine quality: the one predict of week 13.

    model = load_model()                      # models:/wine-quality@champion from $MLFLOW_TRACKING_URI
    predict(model, wines)                     # a DataFrame with the 12 feature columns → quality scores

Whoever moves the alias changes what `load_model()` returns, without touching this code: that is what an alias is for.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from shared.errors import RoadmapError
from week13_mlflow_dvc.model import FEATURES
from week13_mlflow_dvc.tracking import ALIAS, MODEL_NAME

CHAMPION_URI = f"models:/{MODEL_NAME}@{ALIAS}"


def load_model(uri: str = CHAMPION_URI, tracking_uri: str | None = None):
    """An MLflow pyfunc model (any flavour), by default the current champion."""
    import mlflow

    if tracking_uri:
        mlflow.set_tracking_uri(tracking_uri)
        mlflow.set_registry_uri(tracking_uri)
    try:
        return mlflow.pyfunc.load_model(uri)
    except mlflow.exceptions.MlflowException as exc:
        raise RoadmapError(
            f"cannot load {uri} from {mlflow.get_tracking_uri()}: {exc.message.splitlines()[0]}. "
            "Run `roadmap run week13` first, or point MLFLOW_TRACKING_URI at the store that holds it"
        ) from None


def predict(model, inputs: pd.DataFrame) -> np.ndarray:
    """Predicted quality (a float on the 0-10 scale) per row; the columns are checked against the signature."""
    missing = [c for c in FEATURES if c not in inputs.columns]
    if missing:
        raise RoadmapError(f"input lacks column(s) {missing}; expected {FEATURES}")
    frame = inputs[FEATURES]
    bad = [c for c in FEATURES if not pd.api.types.is_numeric_dtype(frame[c]) or not np.isfinite(frame[c]).all()]
    if bad:
        raise RoadmapError(f"column(s) {bad} must hold finite numbers")
    return np.asarray(model.predict(frame), dtype=float)
