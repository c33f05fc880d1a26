"""Save and load scikit-learn/XGBoost models safely, and the `predict` command the tabular weeks share.

Why not pickle: loading a pickle runs whatever code the file says, so a model downloaded from a forum
can take over the machine. skops stores the model as data; on load we ask skops which types the file
would construct that it does not trust by default, and accept them only when they are on an explicit
allow-list (`ALLOWED_TYPES` plus what the week adds). Anything else is refused with a message.

Every model file `model.skops` gets a sidecar `model.json` (`shared.sidecar`: library versions, seed, data
hashes, metrics and the input columns `predict` requires) — so a model found on disk
says how it was made, and a newer scikit-learn that cannot read it can be spotted before loading.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from shared.errors import DataError, RoadmapError
from shared.sidecar import read_sidecar, write_sidecar

# Types skops does not trust out of the box but that our models legitimately contain. Each one is a
# class from a library we already depend on; a function or class from anywhere else is refused.
ALLOWED_TYPES: frozenset[str] = frozenset(
    {
        "numpy.dtype",  # OneHotEncoder stores its output dtype
        "sklearn.tree._tree.Tree",  # the fitted trees of every tree ensemble
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",  # HistGradientBoosting's trees
        "xgboost.core.Booster",
        "xgboost.sklearn.XGBClassifier",
        "xgboost.sklearn.XGBRegressor",
    }
)


def save_model(model: Any, path: Path | str, metadata: dict[str, Any]) -> Path:
    """Write `model` with skops and its JSON sidecar (`shared.sidecar`); return the model path.

    `metadata` must hold `seed`; `datasets` (registry names) is turned into `data_sha256` so the sidecar pins
    the exact data the model saw; `input_columns` is what `predict` will demand from a CSV; anything else
    (metrics, best parameters, training ranges) is stored as given.
    """
    import skops.io

    path = Path(path)
    if path.suffix != ".skops":
        raise ValueError(f"model files end in .skops, got {path.name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    skops.io.dump(model, tmp)
    tmp.replace(path)  # atomic: a crash never leaves half a model under the real name
    extra = dict(metadata)
    seed = extra.pop("seed")
    datasets = extra.pop("datasets", [])
    write_sidecar(path, fmt="skops", model_type=type(model).__name__, seed=seed, datasets=datasets, **extra)
    return path


read_metadata = read_sidecar  # the sidecar of a skops model file


def load_model(path: Path | str, *, extra_trusted: Iterable[str] = ()) -> Any:
    """Load a skops model, refusing any type outside `ALLOWED_TYPES` ∪ `extra_trusted`.

    `extra_trusted` is for a week's own functions (e.g. the cleaning function inside a pipeline);
    list them by their full dotted name.
    """
    import skops.io

    path = Path(path)
    if not path.is_file():
        raise RoadmapError(f"model file {path} not found; train it first (e.g. `roadmap run <week>`)")
    try:
        untrusted = skops.io.get_untrusted_types(file=path)
    except Exception as exc:  # noqa: BLE001 - a truncated or foreign file fails in many ways inside zipfile/json
        raise RoadmapError(f"{path} is not a readable skops model file ({type(exc).__name__}: {exc})") from None
    allowed = ALLOWED_TYPES | set(extra_trusted)
    refused = sorted(set(untrusted) - allowed)
    if refused:
        raise RoadmapError(
            f"{path} would construct types that are not on the allow-list: {refused}. "
            "Refusing to load it; if you made this file yourself, add the types to `extra_trusted`."
        )
    return skops.io.load(path, trusted=untrusted)


# ---------------------------------------------------------------------------------------------------
# predict commands: checked inputs, extrapolation warnings, a safe --output
# ---------------------------------------------------------------------------------------------------


def require_numeric(frame: pd.DataFrame, columns: Iterable[str], *, allow_missing: bool = False) -> pd.DataFrame:
    """Convert `columns` to numbers, naming the first bad cell instead of failing inside the model."""
    frame = frame.copy()
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() & frame[column].notna()
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise DataError(f"column {column!r} must be numeric; row {row + 1} has {frame[column].iloc[row]!r}")
        infinite = values.notna() & ~np.isfinite(values.to_numpy(dtype="float64", na_value=np.nan))
        if infinite.any():
            row = int(infinite.to_numpy().nonzero()[0][0])
            raise DataError(f"column {column!r} must be a finite number; row {row + 1} has {frame[column].iloc[row]!r}")
        if not allow_missing and values.isna().any():
            row = int(values.isna().to_numpy().nonzero()[0][0])
            raise DataError(f"column {column!r} has a missing value in row {row + 1}; this model needs every value")
        frame[column] = values.astype("float64")
    return frame


def training_range(frame: pd.DataFrame, columns: Iterable[str]) -> dict[str, list[float]]:
    """Column → [min, max] seen in training: stored in the sidecar so `predict` can warn on extrapolation."""
    return {c: [float(frame[c].min()), float(frame[c].max())] for c in columns}


class OutOfRangeWarning(UserWarning):
    """An input value far outside the training range: the prediction is an extrapolation."""


def check_features(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The model's input: `columns` as finite floats, or a DataError naming the first bad column and row."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"input is missing column(s) {missing}; the model needs {columns}")
    return require_numeric(frame, columns)[columns]


def out_of_range(features: pd.DataFrame, ranges: dict[str, list[float]], *, margin: float = 0.1) -> list[str]:
    """One message per column with values beyond its training [min, max] by more than `margin` × the range.

    Trees predict a flat value beyond their last split and a linear model extrapolates a straight line; neither
    is evidence about such a row, so the user should know (a warning, not a refusal: they may still want it).
    """
    messages = []
    for column, (low, high) in ranges.items():
        if column not in features:
            continue
        slack = margin * (high - low)
        values = pd.to_numeric(features[column], errors="coerce").to_numpy()
        outside = (values < low - slack) | (values > high + slack)
        if outside.any():
            rows = (outside.nonzero()[0] + 1).tolist()
            shown = ", ".join(map(str, rows[:5])) + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")
            messages.append(
                f"column {column!r}: row(s) {shown} lie far outside the training range [{low:.4g}, {high:.4g}]; "
                "the prediction is an extrapolation"
            )
    return messages


def warn_out_of_range(features: pd.DataFrame, ranges: dict[str, list[float]], *, margin: float = 0.1) -> list[str]:
    """`out_of_range`, each message issued as an `OutOfRangeWarning` (shown on stderr by the CLI); returned too."""
    import warnings

    messages = out_of_range(features, ranges, margin=margin)
    for message in messages:
        warnings.warn(message, OutOfRangeWarning, stacklevel=2)
    return messages


def check_output_file(output_csv: Path | str, example: str = "predictions.csv") -> Path:
    """The `--output` of a `predict` command, refused early when it is a folder (nothing is read or written)."""
    output_csv = Path(output_csv)
    if output_csv.is_dir():
        raise RoadmapError(f"--output {output_csv} is a folder; give a file name such as {output_csv / example}")
    return output_csv


@contextmanager
def extrapolation_warnings_to_stderr() -> Iterator[None]:
    """Inside the block, each `OutOfRangeWarning` becomes one `warning: ...` line on stderr (a CLI's voice);
    the Python API keeps issuing them as warnings."""
    import sys
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", OutOfRangeWarning)
        yield
    for warning in caught:
        if issubclass(warning.category, OutOfRangeWarning):
            print(f"warning: {warning.message}", file=sys.stderr)


def add_predict_command(
    subparsers: argparse._SubParsersAction,
    *,
    default_model: Callable[[], Path],
    predict: Callable[[Path, Path, Path], Path],
    help_text: str,
) -> None:
    """Register `predict INPUT.csv [--model PATH] [--output PATH]` on a week's CLI (`shared.cli.week_main`)."""
    parser = subparsers.add_parser("predict", help=help_text)
    parser.add_argument("input", type=Path, help="CSV file with the columns the model was trained on")
    parser.add_argument("--model", type=Path, default=None, help="model .skops file (default: the last full run's)")
    parser.add_argument("--output", type=Path, default=Path("predictions.csv"), help="where to write predictions")

    def _predict(args: argparse.Namespace) -> int:
        written = predict(args.model or default_model(), args.input, args.output)
        print(f"wrote {written}")
        return 0

    parser.set_defaults(func=_predict)
