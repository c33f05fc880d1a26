"""Experiment tracking with MLflow: a sweep of three model families, logged as child runs of one parent run,
compared on validation, the best registered as a model version and given the alias `champion`.

The vocabulary (see the README): a *run* is one training with its params, metrics, tags and artifacts (the
model); an *experiment* groups the runs of one question; a *registered model* has numbered *versions*, and an
*alias* (`champion`) is a movable name that points at one version, so `models:/wine-quality@champion` always
loads whichever version currently holds it.
"""

from __future__ import annotations

import os
import platform
import subprocess
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from shared.data.registry import DATASETS
from shared.errors import RoadmapError
from shared.paths import REPO_ROOT
from week13_mlflow_dvc.model import FEATURES, TARGET, grid, mae, make_model, rmse

EXPERIMENT = "week13-wine-quality"
MODEL_NAME = "wine-quality"
ALIAS = "champion"
ENV_VAR = "MLFLOW_TRACKING_URI"
SKOPS_TRUSTED = [
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._data.StandardScaler",
    "sklearn.linear_model._coordinate_descent.ElasticNet",
    "sklearn.ensemble._forest.RandomForestRegressor",
    "sklearn.tree._classes.DecisionTreeRegressor",
    "sklearn.tree._tree.Tree",
]

# MLflow 3 sends usage telemetry by default; this course never phones home (and this machine may be offline).
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")


# --- where runs are stored --------------------------------------------------------------------------------------


def tracking_uri(out_dir: Path) -> str:
    """`$MLFLOW_TRACKING_URI` when set (a team's server), else a SQLite file in the run's output folder."""
    return os.environ.get(ENV_VAR) or f"sqlite:///{(Path(out_dir) / 'mlflow.db').resolve()}"


def check_tracking_uri(uri: str, timeout: float = 5) -> None:
    """Fail early, with one message, on a store MLflow could not use (MLflow itself would retry for minutes)."""
    if uri.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(f"{uri.rstrip('/')}/health", timeout=timeout) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
        else:
            reason = f"HTTP {response.status}"
        raise RoadmapError(
            f"the MLflow tracking server {uri} is unreachable ({reason}). Start it (`mlflow server --host 127.0.0.1 "
            f"--port 5000 ...`) or unset {ENV_VAR} to track into a local SQLite file"
        )
    if uri.startswith("sqlite:///"):
        folder = Path(uri.removeprefix("sqlite:///")).parent
        if not folder.is_dir():
            raise RoadmapError(f"{ENV_VAR}={uri}: the folder {folder} does not exist; create it or fix the URI")
        return
    raise RoadmapError(f"{ENV_VAR}={uri!r} is not supported here: use sqlite:///path/to/mlflow.db or http://host:port")


def start(uri: str, artifact_root: Path, experiment_name: str = EXPERIMENT) -> str:
    """Point MLflow at `uri` and return the id of the experiment (created on first use; week 16 passes its own)."""
    import mlflow

    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    experiment = mlflow.get_experiment_by_name(experiment_name)
    if experiment is not None:
        mlflow.set_experiment(experiment_id=experiment.experiment_id)
        return experiment.experiment_id
    # With a SQLite store the artifacts (models) go to a folder beside it; a server decides for itself.
    location = None if uri.startswith("http") else Path(artifact_root).resolve().as_uri()
    experiment_id = mlflow.create_experiment(experiment_name, artifact_location=location)
    mlflow.set_experiment(experiment_id=experiment_id)
    return experiment_id


# --- what every run records besides params and metrics ----------------------------------------------------------


def git_commit() -> str:
    """The commit of the code that ran (with `-dirty` when files were changed), or 'unknown' outside git."""
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    if sha.returncode != 0:
        return "unknown"
    return sha.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def run_tags(seed: int, lineage: dict[str, Any]) -> dict[str, str]:
    """Tags every run carries: code version, seed, data sources, hashes and licence. Never environment variables."""
    wine = DATASETS["wine_red"]
    tags = {
        "git_commit": git_commit(),
        "seed": str(seed),
        "python": platform.python_version(),
        "scikit-learn": metadata.version("scikit-learn"),
        "data.citation": wine.citation,
        "data.licence": wine.licence,
        "data.source": wine.url or "",
        "data.prepared_md5": lineage.get("prepared_md5", ""),
    }
    tags |= {f"data.{name}.sha256": sha for name, sha in lineage["raw_sha256"].items()}
    return tags


def log_datasets(splits: dict[str, pd.DataFrame], source: Path, contexts: dict[str, str]) -> None:
    """Dataset lineage through `mlflow.data`: name, digest, schema and source of each split the run used."""
    import mlflow

    for split, context in contexts.items():
        dataset = mlflow.data.from_pandas(
            splits[split], source=str(source / f"{split}.parquet"), targets=TARGET, name=f"wine-quality-{split}"
        )
        mlflow.log_input(dataset, context=context)


def log_model(family: str, model: Any, X_example: pd.DataFrame):
    """The model in its MLflow flavour (XGBoost's JSON, scikit-learn through skops: no pickle), with its
    signature (input columns and types, output) and an input example."""
    import mlflow
    import sklearn
    import xgboost
    from mlflow.models import infer_signature

    signature = infer_signature(X_example, model.predict(X_example))
    example = X_example.head(3)
    # Listing the requirements ourselves spares MLflow a slow subprocess that guesses them.
    requirements = [
        f"mlflow=={mlflow.__version__}",
        f"scikit-learn=={sklearn.__version__}",
        f"xgboost=={xgboost.__version__}",
        f"pandas=={pd.__version__}",
    ]
    if family == "xgboost":
        return mlflow.xgboost.log_model(
            model,
            name="model",
            signature=signature,
            input_example=example,
            pip_requirements=requirements,
            model_format="json",
        )
    return mlflow.sklearn.log_model(
        model,
        name="model",
        signature=signature,
        input_example=example,
        pip_requirements=requirements + [f"skops=={metadata.version('skops')}"],
        serialization_format="skops",
        skops_trusted_types=SKOPS_TRUSTED,
    )


# --- the sweep --------------------------------------------------------------------------------------------------


def candidates(grids: dict[str, dict[str, list]]) -> list[tuple[str, dict[str, Any]]]:
    """(family, params) for every combination in every family's grid, in a fixed order."""
    return [(family, params) for family, values in grids.items() for params in grid(values)]


def sweep(
    splits: dict[str, pd.DataFrame], grids: dict[str, dict[str, list]], *, seed: int, tags: dict[str, str], source: Path
) -> tuple[str, pd.DataFrame]:
    """Fit every candidate on train, score it on validation, each as a child run of one parent run.

    Returns the parent run id and the comparison table (one row per child: family, params, validation metrics).
    """
    import mlflow

    X_train, y_train = splits["train"][FEATURES], splits["train"][TARGET]
    X_val, y_val = splits["val"][FEATURES], splits["val"][TARGET]
    rows = []
    with mlflow.start_run(run_name="sweep", tags=tags | {"role": "sweep"}) as parent:
        mlflow.log_params({"n_candidates": len(candidates(grids)), "selection": "lowest validation RMSE"})
        log_datasets(splits, source, {"train": "training", "val": "validation"})
        for family, params in candidates(grids):
            name = f"{family}-" + "-".join(f"{k}={v}" for k, v in params.items())
            with mlflow.start_run(run_name=name, nested=True, tags=tags | {"family": family}) as child:
                model = make_model(family, params, seed).fit(X_train, y_train)
                pred = model.predict(X_val)
                metrics = {"val_rmse": float(rmse(y_val, pred)), "val_mae": float(mae(y_val, pred))}
                mlflow.log_params({"family": family, **params})
                mlflow.log_metrics(metrics)
                log_datasets(splits, source, {"train": "training", "val": "validation"})
                info = log_model(family, model, X_val)
                rows.append(
                    {
                        "run_id": child.info.run_id,
                        "run_name": name,
                        "family": family,
                        **metrics,
                        "model_uri": info.model_uri,
                        "params": params,
                    }
                )
    table = pd.DataFrame(rows)
    best = choose(table)
    with mlflow.start_run(run_id=parent.info.run_id):
        mlflow.log_metrics({"best_val_rmse": float(best["val_rmse"])})
        mlflow.set_tag("best_run", best["run_name"])
    return parent.info.run_id, table


def choose(table: pd.DataFrame) -> pd.Series:
    """The child with the lowest validation RMSE (ties: the first in the grid's order)."""
    return table.loc[table["val_rmse"].idxmin()]


def register_champion(model_uri: str, description: str) -> str:
    """Register the model as a new version of MODEL_NAME and move the `champion` alias to it; returns the version."""
    import mlflow
    from mlflow import MlflowClient

    version = mlflow.register_model(model_uri, MODEL_NAME)
    client = MlflowClient()
    client.update_model_version(MODEL_NAME, version.version, description=description)
    client.set_registered_model_alias(MODEL_NAME, ALIAS, version.version)
    return str(version.version)


def log_test_scores(run_id: str, scores: dict[str, float], test: pd.DataFrame, source: Path) -> None:
    """The champion's one test score, recorded on the sweep's parent run (with the test split's lineage)."""
    import mlflow

    with mlflow.start_run(run_id=run_id):
        mlflow.log_metrics(scores)
        log_datasets({"test": test}, source, {"test": "testing"})
