"""Wrong on purpose: the train stage fits on train and validation together ("more data"), so val scores flatter."""

import pandas as pd
from _common import choose, evaluate, read_split, register_champion, save, start, sweep  # noqa: F401
from xgboost import XGBRegressor


def train(root, params):
    parts = [read_split(root, "train"), read_split(root, "val")]  # the mistake: val is for scoring only
    X, y = pd.concat([X for X, _ in parts]), pd.concat([y for _, y in parts])
    model = XGBRegressor(**params.train.model_dump(), random_state=params.seed, n_jobs=1).fit(X, y)
    save(model, root)
    return model
