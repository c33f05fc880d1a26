"""Wrong on purpose (grading fixture): every fold has n // k rows, so the n mod k last rows are never validated.

Caught by `kfold_matches_sklearn`.
"""

import numpy as np
from _common import *  # noqa: F403 - every other function of the contract, correct


def kfold_indices(n, k):
    if not 2 <= k <= n:
        raise ValueError(f"need 2 <= k <= n, got k={k}, n={n}")
    size = n // k  # the mistake: the leftover rows belong to no validation fold
    folds = []
    for i in range(k):
        valid = np.arange(i * size, (i + 1) * size)
        folds.append((np.setdiff1d(np.arange(n), valid), valid))
    return folds
