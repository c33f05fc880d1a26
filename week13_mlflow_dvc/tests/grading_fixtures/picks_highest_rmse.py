"""Wrong on purpose: the champion is the candidate with the highest validation RMSE (an error, not a score)."""

from _common import evaluate, register_champion, start, sweep, train  # noqa: F401 - the contract


def choose(table):
    return table.loc[table["val_rmse"].idxmax()]  # the mistake: RMSE is lower-is-better
