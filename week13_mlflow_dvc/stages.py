"""The three DVC stages of `dvc.yaml`: prepare → train → evaluate. DVC runs each as
`python -m week13_mlflow_dvc.stages <stage>` from the DVC project folder and decides *whether* to run it
(have its code, params or inputs changed since `dvc.lock`?); this module only says *what* each stage does.

Each stage reads only its declared inputs and writes only its declared outputs, paths relative to the project:

    prepare   params: seed, prepare  →  data/prepared/{train,val,test}.parquet, data/prepared/lineage.json
    train     params: seed, train    →  models/model.json (XGBoost's own JSON format: no pickle)
    evaluate  (no params)            →  metrics.json (validation only), plots/val_predictions.csv

The test split is written by `prepare` but read by no stage: it is scored once, for the sweep's champion only
(see wine_mlops.py).
"""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split
from xgboost import XGBRegressor

from shared.atomic import atomic_write_bytes, atomic_write_text
from shared.cli import friendly_errors
from shared.provenance import data_sha256
from week13_mlflow_dvc.model import DATASETS, FEATURES, TARGET, load_wines, mae, rmse
from week13_mlflow_dvc.params import Params, load_params

PREPARED = Path("data/prepared")
MODEL = Path("models/model.json")
METRICS = Path("metrics.json")
PREDICTIONS = Path("plots/val_predictions.csv")
SPLITS = ("train", "val", "test")


def prepare(root: Path, params: Params) -> dict[str, int]:
    """De-duplicate, optionally sample, and split the wines into train / validation / test."""
    wines = load_wines()
    # 1,177 of the 6,497 rows repeat another row exactly. Left in, a wine could sit in train and test at once
    # and the test score would partly measure memory: drop the copies before splitting.
    unique = wines.drop_duplicates(ignore_index=True)
    if params.prepare.max_rows is not None and params.prepare.max_rows < len(unique):
        unique = unique.sample(n=params.prepare.max_rows, random_state=params.seed).reset_index(drop=True)
    rest, test = train_test_split(unique, test_size=params.prepare.test_size, random_state=params.seed)
    val_share = params.prepare.val_size / (1 - params.prepare.test_size)
    train, val = train_test_split(rest, test_size=val_share, random_state=params.seed)
    for name, frame in zip(SPLITS, (train, val, test), strict=True):
        buffer = io.BytesIO()
        frame.reset_index(drop=True).to_parquet(buffer, index=False)
        atomic_write_bytes(root / PREPARED / f"{name}.parquet", buffer.getvalue())
    counts = {"rows_raw": len(wines), "duplicates_dropped": len(wines) - len(wines.drop_duplicates())}
    counts |= {f"rows_{name}": len(frame) for name, frame in zip(SPLITS, (train, val, test), strict=True)}
    lineage = {"raw_sha256": data_sha256(DATASETS), **counts}
    atomic_write_text(root / PREPARED / "lineage.json", json.dumps(lineage, indent=2) + "\n")
    return counts


def read_split(root: Path, name: str) -> tuple[pd.DataFrame, pd.Series]:
    frame = pd.read_parquet(root / PREPARED / f"{name}.parquet")
    return frame[FEATURES], frame[TARGET]


def train(root: Path, params: Params) -> XGBRegressor:
    """Fit the pipeline's model (the hyperparameters in params.yaml `train`) on the training split."""
    X, y = read_split(root, "train")
    model = XGBRegressor(**params.train.model_dump(), random_state=params.seed, n_jobs=1).fit(X, y)
    path = root / MODEL
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part.json")  # XGBoost picks the format from the suffix
    model.save_model(tmp)
    tmp.replace(path)
    return model


def evaluate(root: Path) -> dict[str, float]:
    """Validation metrics (never test) and the predicted-vs-actual points for `dvc plots`."""
    X_train, y_train = read_split(root, "train")
    X, y = read_split(root, "val")
    model = XGBRegressor()
    model.load_model(root / MODEL)
    pred = model.predict(X)
    metrics = {
        "val_rmse": round(float(rmse(y, pred)), 6),
        "val_mae": round(float(mae(y, pred)), 6),
        "baseline_val_rmse": round(float(rmse(y, [y_train.mean()] * len(y))), 6),
        "n_train": len(X_train),
        "n_val": len(X),
    }
    atomic_write_text(root / METRICS, json.dumps(metrics, indent=2) + "\n")
    points = pd.DataFrame({"actual": y.to_numpy(), "predicted": pred.round(4)})
    atomic_write_text(root / PREDICTIONS, points.to_csv(index=False))
    return metrics


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m week13_mlflow_dvc.stages", description=__doc__.split("\n")[0])
    parser.add_argument("stage", choices=["prepare", "train", "evaluate"])
    parser.add_argument("--dir", type=Path, default=Path("."), help="the DVC project folder (default: here)")
    args = parser.parse_args(argv)
    params = load_params(args.dir / "params.yaml")  # validated even by `evaluate`: a bad file stops everything
    if args.stage == "prepare":
        print(prepare(args.dir, params))
    elif args.stage == "train":
        train(args.dir, params)
    else:
        print(evaluate(args.dir))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
