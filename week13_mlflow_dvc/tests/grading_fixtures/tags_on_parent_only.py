"""Wrong on purpose: the seed and data tags go on the parent run only; the child runs, the ones opened, lack them."""

import mlflow
import pandas as pd
from _common import choose, combinations, evaluate, fit_and_log, register_champion, start, train  # noqa: F401


def sweep(splits, grids, *, seed, tags, source):
    with mlflow.start_run(run_name="sweep", tags=tags) as parent:
        rows = [
            fit_and_log(family, params, splits, seed, tags={})  # the mistake: "children inherit the tags"
            for family, params in combinations(grids)
        ]
    return parent.info.run_id, pd.DataFrame(rows)
