"""Extra code (scaffolding): the `predict` command, `python -m week05_house_prices predict districts.csv`.

Reads a CSV, calls `inference.predict`, prints its out-of-range warnings on stderr as one line each, and writes
the input with a `predicted_MedHouseVal` column (atomically, formula-safe). Every user error exits with code 2.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from shared.csv_safe import write_csv_safely
from shared.data import read_csv_checked
from shared.sklearn_io import add_predict_command, check_output_file, extrapolation_warnings_to_stderr
from week05_house_prices.inference import FEATURES, default_model_path, load_model, predict


def predict_file(model_path: Path, input_csv: Path, output_csv: Path) -> Path:
    """Predict the median house value for every row of a CSV with the eight feature columns."""
    output_csv = check_output_file(output_csv, "prices.csv")
    model = load_model(model_path)
    frame = read_csv_checked(input_csv, FEATURES)
    with extrapolation_warnings_to_stderr():
        values = predict(model, frame)
    return write_csv_safely(frame.assign(predicted_MedHouseVal=np.round(values, 4)), output_csv)


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    add_predict_command(
        subparsers,
        default_model=default_model_path,
        predict=predict_file,
        help_text=f"predict house values for a CSV with columns {', '.join(FEATURES)}",
    )
