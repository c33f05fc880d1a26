"""Extra code (scaffolding): the `predict` command, `python -m week08_mall_clustering predict customers.csv`.

Reads a CSV with the columns age, income_k and spending_score, calls `inference.predict`, prints its
out-of-range warnings on stderr, and writes the input with a `segment` column and the segment's description
(atomically, formula-safe). Every user error exits with code 2 and a one-line message.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from shared.csv_safe import write_csv_safely
from shared.data import read_csv_checked
from shared.sklearn_io import add_predict_command, check_output_file, extrapolation_warnings_to_stderr
from week08_mall_clustering.inference import FEATURES, default_model_path, load_model, predict


def predict_file(model_path: Path, input_csv: Path, output_csv: Path) -> Path:
    """Assign every customer of a CSV to a segment."""
    output_csv = check_output_file(output_csv, "segments.csv")
    model = load_model(model_path)
    frame = read_csv_checked(input_csv, FEATURES)
    with extrapolation_warnings_to_stderr():
        segments = predict(model, frame)
    words = {int(p["cluster"]): p["in_words"] for p in model.metadata.get("profiles", [])}
    out = frame.assign(segment=segments, segment_in_words=[words.get(int(s), "") for s in segments])
    return write_csv_safely(out, output_csv)


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    add_predict_command(
        subparsers,
        default_model=default_model_path,
        predict=predict_file,
        help_text=f"assign customers to segments; a CSV with columns {', '.join(FEATURES)}",
    )
