"""Wrong on purpose (grading fixture): the log-loss gradient is Xᵀ(p − y), the SUM over rows, not the mean.

Each step is then n times too long for the objective it claims to minimise: at learning rate 0.5 descent overshoots
and never settles. Caught by `logistic_regression_matches_sklearn`.
"""

import numpy as np
from _common import *  # noqa: F403 - every other function of the contract, correct
from _common import sigmoid


def logistic_regression_gd(X, y, *, l2, learning_rate=0.5, epochs=5000):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    for _ in range(epochs):
        error = sigmoid(X @ w + b) - y
        w = w - learning_rate * (X.T @ error + l2 * w)  # the mistake: no / n
        b = b - learning_rate * error.sum()
    return w, b
