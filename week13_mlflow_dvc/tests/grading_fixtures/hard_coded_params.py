"""Wrong on purpose: the train stage hard-codes its hyperparameters, so params.yaml and `dvc exp run -S` do nothing."""

from _common import choose, evaluate, read_split, register_champion, save, start, sweep  # noqa: F401
from xgboost import XGBRegressor


def train(root, params):
    X, y = read_split(root, "train")
    model = XGBRegressor(
        n_estimators=400,
        max_depth=6,
        learning_rate=0.05,
        subsample=0.8,  # the mistake
        random_state=params.seed,
        n_jobs=1,
    ).fit(X, y)
    save(model, root)
    return model
