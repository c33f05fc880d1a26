"""Extra code (scaffolding): the `predict` command, `python -m week06_cancer_classifier predict biopsies.csv`.

Reads a CSV, calls `inference.predict`, prints its out-of-range warnings on stderr as one line each, and writes
one row per input row (row number, probability, label) atomically. Every user error exits with code 2.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

from shared.csv_safe import write_csv_safely
from shared.data import read_csv_checked
from shared.errors import RoadmapError
from shared.sklearn_io import add_predict_command
from week06_cancer_classifier.cancer_classifier import feature_names
from week06_cancer_classifier.inference import OutOfRangeWarning, default_model_path, load_model, predict


def predict_file(model_path: Path, input_csv: Path, output_csv: Path) -> Path:
    """Label each row of a CSV with the 30 feature columns (names as in scikit-learn) benign/malignant."""
    output_csv = Path(output_csv)
    if output_csv.is_dir():
        raise RoadmapError(f"--output {output_csv} is a folder; give a file name such as {output_csv / 'labels.csv'}")
    model = load_model(model_path)
    frame = read_csv_checked(input_csv, feature_names())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", OutOfRangeWarning)
        labels = predict(model, frame)
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
    labels.insert(0, "row", np.arange(1, len(frame) + 1))
    return write_csv_safely(labels.round({"probability_malignant": 4}), output_csv)


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    add_predict_command(
        subparsers,
        default_model=default_model_path,
        predict=predict_file,
        help_text="label tumours benign/malignant from a CSV with the 30 Wisconsin feature columns (teaching only)",
    )
