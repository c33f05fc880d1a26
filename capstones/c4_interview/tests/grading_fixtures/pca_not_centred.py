"""Wrong on purpose (grading fixture): the SVD of X itself, not of X − mean.

On centred data it is right; on anything else the first "component" points at the mean. Caught by
`pca_matches_sklearn`.
"""

import numpy as np
from _common import *  # noqa: F403 - every other function of the contract, correct


def pca_svd(X, k):
    _, s, vt = np.linalg.svd(X, full_matrices=False)  # the mistake: X is not centred
    return vt[:k], (s**2 / np.sum(s**2))[:k]
