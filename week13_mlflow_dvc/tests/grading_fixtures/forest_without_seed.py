"""Wrong on purpose: the random forest gets no random_state, so each sweep draws different trees."""

import mlflow
import pandas as pd
from _common import choose, combinations, evaluate, fit_and_log, register_champion, start, train  # noqa: F401
from _common import make_model as _seeded
from sklearn.ensemble import RandomForestRegressor


def make_model(family, params, seed):
    if family == "random_forest":
        return RandomForestRegressor(**params, n_jobs=1)  # the mistake: no random_state=seed
    return _seeded(family, params, seed)


def sweep(splits, grids, *, seed, tags, source):
    with mlflow.start_run(run_name="sweep", tags=tags) as parent:
        rows = [fit_and_log(family, params, splits, seed, tags, make=make_model) for family, params in
                combinations(grids)]  # fmt: skip
    return parent.info.run_id, pd.DataFrame(rows)
