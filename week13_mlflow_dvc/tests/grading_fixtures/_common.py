"""Correct pieces the wrong solutions share (a small right answer), so each fixture differs from it in one place."""

import itertools
import json
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from mlflow import MlflowClient
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import ElasticNet
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from xgboost import XGBRegressor

FEATURES = ["fixed_acidity", "volatile_acidity", "citric_acid", "residual_sugar", "chlorides", "free_sulfur_dioxide",
            "total_sulfur_dioxide", "density", "ph", "sulphates", "alcohol", "is_red"]  # fmt: skip
TARGET = "quality"
EXPERIMENT = "my-wine-sweep"
REQUIREMENTS = ["mlflow", "scikit-learn", "xgboost"]  # listed, so MLflow does not spend seconds guessing them


def start(uri, artifact_root):
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    if mlflow.get_experiment_by_name(EXPERIMENT) is None:
        mlflow.create_experiment(EXPERIMENT, artifact_location=Path(artifact_root).resolve().as_uri())
    return mlflow.set_experiment(EXPERIMENT).experiment_id


def make_model(family, params, seed):
    if family == "elasticnet":
        return make_pipeline(StandardScaler(), ElasticNet(**params, random_state=seed, max_iter=10_000))
    if family == "random_forest":
        return RandomForestRegressor(**params, random_state=seed, n_jobs=1)
    return XGBRegressor(**params, random_state=seed, n_jobs=1)


def combinations(grids):
    for family, grid in grids.items():
        for values in itertools.product(*grid.values()):
            yield family, dict(zip(grid, values, strict=True))


def scores(y, pred):
    errors = np.asarray(y, dtype=float) - np.asarray(pred, dtype=float)
    return {"val_rmse": float(np.sqrt(np.mean(errors**2))), "val_mae": float(np.mean(np.abs(errors)))}


TREES = [
    "sklearn.ensemble._forest.RandomForestRegressor",
    "sklearn.tree._classes.DecisionTreeRegressor",
    "sklearn.tree._tree.Tree",
]  # what skops (MLflow's scikit-learn format) must be told to trust


def log_model(family, model):
    if family == "xgboost":
        return mlflow.xgboost.log_model(model, name="model", pip_requirements=REQUIREMENTS)
    return mlflow.sklearn.log_model(model, name="model", pip_requirements=REQUIREMENTS, skops_trusted_types=TREES)


def fit_and_log(family, params, splits, seed, tags, make=make_model):
    """One child run: fit on train, score on validation, log params, metrics and the model."""
    train, val = splits["train"], splits["val"]
    with mlflow.start_run(run_name=family, nested=True, tags=tags) as child:
        model = make(family, params, seed).fit(train[FEATURES], train[TARGET])
        metrics = scores(val[TARGET], model.predict(val[FEATURES]))
        mlflow.log_params({"family": family, **params})
        mlflow.log_metrics(metrics)
        info = log_model(family, model)
    return {"run_id": child.info.run_id, "family": family, **metrics, "model_uri": info.model_uri}


def sweep(splits, grids, *, seed, tags, source):
    with mlflow.start_run(run_name="sweep", tags=tags) as parent:
        rows = [fit_and_log(family, params, splits, seed, tags) for family, params in combinations(grids)]
    return parent.info.run_id, pd.DataFrame(rows)


def choose(table):
    return table.loc[table["val_rmse"].idxmin()]


def register_champion(model_uri, description):
    version = mlflow.register_model(model_uri, "wine-quality")
    client = MlflowClient()
    client.update_model_version("wine-quality", version.version, description=description)
    client.set_registered_model_alias("wine-quality", "champion", version.version)
    return str(version.version)


def read_split(root, name):
    frame = pd.read_parquet(Path(root) / "data" / "prepared" / f"{name}.parquet")
    return frame[FEATURES], frame[TARGET]


def save(model, root):
    path = Path(root) / "models" / "model.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save_model(path)


def train(root, params):
    X, y = read_split(root, "train")
    model = XGBRegressor(**params.train.model_dump(), random_state=params.seed, n_jobs=1).fit(X, y)
    save(model, root)
    return model


def evaluate(root):
    model = XGBRegressor()
    model.load_model(Path(root) / "models" / "model.json")
    X, y = read_split(root, "val")
    metrics = scores(y, model.predict(X))
    (Path(root) / "metrics.json").write_text(json.dumps(metrics))
    return metrics
