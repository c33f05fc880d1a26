"""Week 7 inference: load the saved pipeline and predict survival for raw Kaggle-format passengers.

`predict` is the one place a prediction is made (the CLI, the notebook and the tests call it). It checks
its input first: a missing column, text or `inf` in a number column, an unknown sex or class, or a missing
name is refused with the column named; a value far outside the training range is predicted, with a
warning on stderr (the trees answer flat beyond their last split, which is no evidence about such a person).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from shared import sklearn_io
from shared.errors import DataError
from shared.paths import outputs_dir
from week07_titanic_tuned.pipeline import INPUT_COLUMNS

MODEL_FILE = "model.skops"
TRUSTED = ["week07_titanic_tuned.pipeline.TitanicCleaner"]  # our own class, allowed when loading
NUMBERS = ["Pclass", "Age", "SibSp", "Parch", "Fare"]  # Age and Fare may be empty: the cleaning rules fill them
RANGED = ["Age", "SibSp", "Parch", "Fare"]  # their training [min, max] goes into the sidecar


@dataclass(frozen=True)
class TitanicModel:
    pipeline: Any  # the fitted scikit-learn Pipeline: cleaning → encoding → classifier
    metadata: dict[str, Any]  # the sidecar: input columns, training ranges, metrics, versions, seed


def default_model_path() -> Path:
    """Where a full run (`roadmap run week07`) saves the model."""
    return outputs_dir("week07_titanic_tuned") / MODEL_FILE


def load_model(path: Path | str | None = None) -> TitanicModel:
    """The pipeline and its sidecar; a missing, damaged or untrusted file is a RoadmapError (exit 2 in the CLI)."""
    path = Path(path) if path is not None else default_model_path()
    return TitanicModel(sklearn_io.load_model(path, extra_trusted=TRUSTED), sklearn_io.read_metadata(path))


def check_passengers(frame: pd.DataFrame) -> pd.DataFrame:
    """The model's input contract: Kaggle's test columns, with values the cleaning rules can use."""
    missing = [c for c in INPUT_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"passengers are missing column(s) {missing}; found {list(frame.columns)}")
    frame = sklearn_io.require_numeric(frame[INPUT_COLUMNS], NUMBERS, allow_missing=True)
    sex = frame["Sex"].astype("string")
    bad_sex = ~sex.isin(["male", "female"]).fillna(False).astype(bool)
    if bad_sex.any():
        row = int(bad_sex.to_numpy().nonzero()[0][0])
        raise DataError(f"column 'Sex' must be 'male' or 'female'; row {row + 1} has {frame['Sex'].iloc[row]!r}")
    bad_class = ~frame["Pclass"].isin([1, 2, 3])
    if bad_class.any():
        row = int(bad_class.to_numpy().nonzero()[0][0])
        raise DataError(f"column 'Pclass' must be 1, 2 or 3; row {row + 1} has {frame['Pclass'].iloc[row]!r}")
    if frame["Name"].isna().any():
        row = int(frame["Name"].isna().to_numpy().nonzero()[0][0])
        raise DataError(f"column 'Name' is empty in row {row + 1}: the title in the name drives the age rule")
    return frame


def predict(model: TitanicModel, passengers: pd.DataFrame) -> pd.DataFrame:
    """`PassengerId`, `Survived` (0/1) and `probability` of survival: one row per passenger, same order.

    Each row is predicted from its own values and statistics fitted on the training rows only, so a
    passenger's answer does not depend on who else is in `passengers`.
    """
    frame = check_passengers(passengers)
    sklearn_io.warn_out_of_range(frame, model.metadata.get("training_range", {}))
    return pd.DataFrame(
        {
            "PassengerId": frame["PassengerId"].to_numpy(),
            "Survived": model.pipeline.predict(frame).astype(int),
            "probability": model.pipeline.predict_proba(frame)[:, 1],
        }
    )
