"""Capstone 2 inference: load the saved pipeline and predict `Transported` for raw Kaggle-format passengers.

`predict` is the one place a prediction is made (the run's hold-out, the CLI, the notebook and the tests
call it). It refuses what would silently give a wrong submission — missing columns, missing or duplicate
ids, ids not of the form `gggg_pp`, text, `inf` or negative numbers in age or spending, a CryoSleep/VIP
that is not True/False — naming the column, and warns when a number lies far outside the training range.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from capstones.c2_spaceship_titanic.data import SPACESHIP_COLUMNS
from shared import sklearn_io
from shared.errors import DataError
from shared.paths import outputs_dir

MODEL_FILE = "model.skops"
TRUSTED = ["capstones.c2_spaceship_titanic.features.SpaceshipFeatures"]  # our own class, allowed when loading
NUMBERS = ["Age", "RoomService", "FoodCourt", "ShoppingMall", "Spa", "VRDeck"]  # may be empty, never negative
RANGED = NUMBERS  # their training [min, max] goes into the sidecar


@dataclass(frozen=True)
class SpaceshipModel:
    pipeline: Any  # the fitted scikit-learn Pipeline: features → encoding → classifier
    metadata: dict[str, Any]  # the sidecar: input columns, training ranges, metrics, versions, seed


def default_model_path() -> Path:
    """Where a full run (`roadmap run c2`) saves the model."""
    return outputs_dir("c2_spaceship_titanic") / MODEL_FILE


def load_model(path: Path | str | None = None) -> SpaceshipModel:
    """The pipeline and its sidecar; a missing, damaged or untrusted file is a RoadmapError (exit 2 in the CLI)."""
    path = Path(path) if path is not None else default_model_path()
    return SpaceshipModel(sklearn_io.load_model(path, extra_trusted=TRUSTED), sklearn_io.read_metadata(path))


def _first(mask: pd.Series) -> int:
    return int(mask.to_numpy().nonzero()[0][0]) + 1


def check_passengers(frame: pd.DataFrame) -> pd.DataFrame:
    """The model's input contract: the competition's columns with values the features can use."""
    missing = [c for c in SPACESHIP_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"passengers are missing column(s) {missing}; found {list(frame.columns)}")
    frame = sklearn_io.require_numeric(frame[SPACESHIP_COLUMNS], NUMBERS, allow_missing=True)
    negative = frame[NUMBERS].lt(0).any(axis=1)
    if negative.any():
        column = next(c for c in NUMBERS if (frame[c] < 0).any())
        raise DataError(f"column {column!r} must not be negative; row {_first(frame[column] < 0)} is")
    ids = frame["PassengerId"].astype("string")
    if ids.isna().any() or ids.duplicated().any():
        raise DataError("column 'PassengerId' must be present and unique in every row")
    malformed = ~ids.str.fullmatch(r"\d{4}_\d{2}").astype(bool)
    if malformed.any():
        row = _first(malformed)
        raise DataError(
            f"column 'PassengerId' must look like 0042_01 (group_number); row {row} has {ids.iloc[row - 1]!r}"
        )
    for column in ["CryoSleep", "VIP"]:
        text = frame[column].astype("string").str.strip().str.lower()
        bad = text.notna() & ~text.isin(["true", "false"]).fillna(False).astype(bool)
        if bad.any():
            row = _first(bad)
            raise DataError(
                f"column {column!r} must be True, False or empty; row {row} has {frame[column].iloc[row - 1]!r}"
            )
        frame[column] = text.map({"true": True, "false": False}).astype("boolean")
    return frame


def predict(model: SpaceshipModel, passengers: pd.DataFrame) -> pd.DataFrame:
    """`PassengerId`, `Transported` (True/False) and its `probability`: one row per passenger, same order."""
    frame = check_passengers(passengers)
    sklearn_io.warn_out_of_range(frame, model.metadata.get("training_range", {}))
    return pd.DataFrame(
        {
            "PassengerId": frame["PassengerId"].to_numpy(),
            "Transported": model.pipeline.predict(frame).astype(bool),
            "probability": model.pipeline.predict_proba(frame)[:, 1],
        }
    )
