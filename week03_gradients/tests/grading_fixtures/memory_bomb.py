"""Wrong on purpose (framework test): gradient_descent keeps allocating until something stops it."""

import numpy as np
from _common import analytic_gradient, numerical_gradient  # noqa: F401 - the contract


def gradient_descent(start, lr, steps):
    path = []
    while True:
        path.append(np.empty(50_000_000))  # 400 MB a step
