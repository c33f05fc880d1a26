"""Save and load scikit-learn/XGBoost models safely, and the `predict` command the tabular weeks share.

Why not pickle: loading a pickle runs whatever code the file says, so a model downloaded from a forum
can take over the machine. skops stores the model as data; on load we ask skops which types the file
would construct that it does not trust by default, and accept them only when they are on an explicit
allow-list (`ALLOWED_TYPES` plus what the week adds). Anything else is refused with a message.

Every model file `model.skops` gets a sidecar `model.json` with the library versions, seed, data hashes
(from `shared.data.registry`), metrics and the input columns `predict` requires — so a model found on disk
says how it was made, and a newer scikit-learn that cannot read it can be spotted before loading.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterable
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import pandas as pd

from shared.errors import DataError, RoadmapError
from shared.results import _clean, atomic_write_text, package_versions

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


def sidecar_path(model_path: Path | str) -> Path:
    """`model.skops` → `model.json`."""
    return Path(model_path).with_suffix(".json")


def save_model(model: Any, path: Path | str, metadata: dict[str, Any]) -> Path:
    """Write `model` with skops and a JSON sidecar; return the model path.

    `metadata` should hold at least `seed` and `metrics`; `datasets` (registry names) is turned into
    `data_sha256` so the sidecar pins the exact data the model saw; `input_columns` is what `predict`
    will demand from a CSV.
    """
    import skops.io

    from shared.data.registry import DATASETS

    path = Path(path)
    if path.suffix != ".skops":
        raise ValueError(f"model files end in .skops, got {path.name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    skops.io.dump(model, path)
    versions = package_versions()
    versions["skops"] = importlib_metadata.version("skops")
    datasets = list(metadata.get("datasets", []))
    sidecar = {
        "model_file": path.name,
        "format": "skops",
        "model_type": type(model).__name__,
        "saved_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "versions": versions,
        "data_sha256": {name: DATASETS[name].sha256 for name in datasets},
        **metadata,
    }
    atomic_write_text(sidecar_path(path), json.dumps(_clean(sidecar), indent=2) + "\n")
    return path


def read_metadata(path: Path | str) -> dict[str, Any]:
    """The sidecar of a model file, or a RoadmapError that says how to make one."""
    side = sidecar_path(path)
    if not side.is_file():
        raise RoadmapError(f"{side} not found: a model file needs its JSON sidecar (written by save_model)")
    try:
        return json.loads(side.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise RoadmapError(f"{side} is not valid JSON ({exc}); retrain to rewrite it") from None


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
# predict: load model → read CSV with required columns → validate → predict → write CSV
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
        if not allow_missing and values.isna().any():
            row = int(values.isna().to_numpy().nonzero()[0][0])
            raise DataError(f"column {column!r} has a missing value in row {row + 1}; this model needs every value")
        frame[column] = values.astype("float64")
    return frame


def predict_csv(
    model_path: Path | str,
    input_csv: Path | str,
    output_csv: Path | str,
    *,
    read: Callable[[Path], pd.DataFrame],
    prepare: Callable[[pd.DataFrame], pd.DataFrame] = lambda frame: frame,
    write: Callable[[pd.DataFrame, Any], pd.DataFrame],
    extra_trusted: Iterable[str] = (),
) -> Path:
    """The shared flow of every tabular `predict` command.

    `read(path)` returns a DataFrame with the required columns or raises DataError (use
    `shared.data.read_csv_checked` or a week loader); `prepare(frame)` validates and returns the
    model's input; `write(frame, predictions)` returns the table to save.
    """
    model = load_model(model_path, extra_trusted=extra_trusted)
    frame = read(Path(input_csv))
    features = prepare(frame)
    try:
        predictions = model.predict(features)
    except (ValueError, TypeError, KeyError) as exc:
        raise DataError(f"{input_csv}: the model could not use this input ({exc})") from None
    output_csv = Path(output_csv)
    output_csv.parent.mkdir(parents=True, exist_ok=True)
    write(frame, predictions).to_csv(output_csv, index=False)
    return output_csv


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
