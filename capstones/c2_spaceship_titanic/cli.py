"""Extra code (scaffolding): the `predict` subcommand of `python -m capstones.c2_spaceship_titanic`.

It only wires a CSV file to `inference.predict` and writes Kaggle's submission format; the checks on the
input live in `inference.py`, so the run, the notebook, the tests and this command share them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from capstones.c2_spaceship_titanic import inference
from capstones.c2_spaceship_titanic.data import SPACESHIP_COLUMNS
from shared.csv_safe import write_csv_safely
from shared.data import read_csv_checked
from shared.sklearn_io import add_predict_command, check_output_file


def predict_file(model_path: Path, input_csv: Path, output_csv: Path) -> Path:
    """Kaggle submission `PassengerId,Transported` for a test.csv with the competition's columns."""
    output_csv = check_output_file(output_csv, "submission.csv")
    model = inference.load_model(model_path)
    text = {c: "string" for c in ["PassengerId", "Cabin", "Name", "CryoSleep", "VIP"]}  # checked by `predict`
    passengers = read_csv_checked(input_csv, SPACESHIP_COLUMNS, dtype=text)
    predictions = inference.predict(model, passengers)
    return write_csv_safely(predictions[["PassengerId", "Transported"]], output_csv)


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    add_predict_command(
        subparsers,
        default_model=inference.default_model_path,
        predict=predict_file,
        help_text="write a Kaggle submission (PassengerId,Transported) for a test.csv",
    )
