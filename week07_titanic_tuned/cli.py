"""Extra code (scaffolding): the `predict` subcommand of `python -m week07_titanic_tuned`.

It only wires a CSV file to `inference.predict` and writes Kaggle's submission format; the checks on the
input live in `inference.py`, so the notebook, the tests and this command share them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from shared.csv_safe import write_csv_safely
from shared.data import read_csv_checked
from shared.sklearn_io import add_predict_command, check_output_file
from week07_titanic_tuned import inference
from week07_titanic_tuned.pipeline import INPUT_COLUMNS


def predict_file(model_path: Path, input_csv: Path, output_csv: Path) -> Path:
    """Kaggle submission `PassengerId,Survived` for a CSV with the Titanic test columns (`Survived` ignored)."""
    output_csv = check_output_file(output_csv, "submission.csv")
    model = inference.load_model(model_path)
    passengers = read_csv_checked(
        input_csv, INPUT_COLUMNS, dtype={"Name": "string", "Ticket": "string", "Cabin": "string"}
    )
    predictions = inference.predict(model, passengers)
    return write_csv_safely(predictions[["PassengerId", "Survived"]], output_csv)


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    add_predict_command(
        subparsers,
        default_model=inference.default_model_path,
        predict=predict_file,
        help_text="write PassengerId,Survived for a CSV with the Kaggle Titanic test columns",
    )
