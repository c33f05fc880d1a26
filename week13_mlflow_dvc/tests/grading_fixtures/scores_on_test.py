"""Wrong on purpose: each candidate is scored on the test split, and that score is logged as val_rmse."""

import mlflow
import pandas as pd
from _common import (  # noqa: F401 - the contract
    FEATURES,
    TARGET,
    choose,
    combinations,
    evaluate,
    log_model,
    make_model,
    register_champion,
    scores,
    start,
    train,
)


def fit_and_log(family, params, splits, seed, tags):
    train_rows, scored = splits["train"], splits["test"]  # the mistake: "val" was meant
    with mlflow.start_run(run_name=family, nested=True, tags=tags) as child:
        model = make_model(family, params, seed).fit(train_rows[FEATURES], train_rows[TARGET])
        metrics = scores(scored[TARGET], model.predict(scored[FEATURES]))
        mlflow.log_params({"family": family, **params})
        mlflow.log_metrics(metrics)
        info = log_model(family, model)
    return {"run_id": child.info.run_id, "family": family, **metrics, "model_uri": info.model_uri}


def sweep(splits, grids, *, seed, tags, source):
    with mlflow.start_run(run_name="sweep", tags=tags) as parent:
        rows = [fit_and_log(family, params, splits, seed, tags) for family, params in combinations(grids)]
    return parent.info.run_id, pd.DataFrame(rows)
