"""Wrong on purpose (grading fixture): one model fitted on every row, then "validated" on each fold.

Each fold's rows were in its training set, so the scores flatter the model (a deep tree scores 100%). Caught by
`cross_validation_matches_sklearn`.
"""

import numpy as np
from _common import *  # noqa: F403 - every other function of the contract, correct
from _common import kfold_indices


def cross_validate_by_hand(make_model, X, y, k):
    model = make_model().fit(X, y)  # the mistake: fitted once, on all rows, held-out folds included
    return np.array([np.mean(model.predict(X[valid]) == y[valid]) for _, valid in kfold_indices(len(X), k)])
