"""Load the saved week-6 model and label tumours: the one `predict` of this unit. Teaching only, not a diagnosis.

The model file is skops (never pickle; `shared.sklearn_io`): a `FixedThresholdClassifier` that carries the
recall-first threshold, with a JSON sidecar recording the input columns, the threshold and the range of every
feature on the training rows. `predict` refuses input the model cannot use — a missing column, text, an empty
cell, `inf` or `1e309` — naming the column and row, and warns (without failing) when a value lies far outside
what the model was trained on: a logistic regression extrapolates linearly, with ever more confidence.
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
from week06_cancer_classifier.cancer_classifier import MODEL_FILE, feature_names

__all__ = ["OutOfRangeWarning", "check_features", "default_model_path", "load_model", "predict"]


@dataclass(frozen=True)
class CancerModel:
    estimator: Any  # FixedThresholdClassifier(scaler → logistic regression, threshold)
    metadata: dict[str, Any]  # the sidecar: input columns, threshold, training ranges, metrics, versions, seed


def default_model_path() -> Path:
    """Where a full run (`roadmap run week06`) saves the model."""
    return outputs_dir("week06_cancer_classifier") / MODEL_FILE


def load_model(path: Path | str | None = None) -> CancerModel:
    """The model and its sidecar; a missing, damaged or untrusted file is a RoadmapError (exit 2 in the CLI)."""
    path = Path(path) if path is not None else default_model_path()
    return CancerModel(sklearn_io.load_model(path), sklearn_io.read_metadata(path))


def predict(model: CancerModel, inputs: pd.DataFrame) -> pd.DataFrame:
    """For every row of `inputs` (the 30 feature columns): the probability of malignancy and the label at the
    model's recall-first threshold, as columns `probability_malignant` and `prediction` (benign/malignant)."""
    features = sklearn_io.check_features(inputs, model.metadata.get("input_columns", feature_names()))
    sklearn_io.warn_out_of_range(features, model.metadata.get("training_range", {}))
    probability = model.estimator.predict_proba(features)[:, 1]
    labels = model.estimator.predict(features)
    return pd.DataFrame(
        {"probability_malignant": probability, "prediction": np.where(labels == 1, "malignant", "benign")},
        index=inputs.index,
    )
