"""Wrong on purpose: one-sided (forward) differences, whose error ~h is far above the stated tolerance."""

import numpy as np
from _common import analytic_gradient, gradient_descent  # noqa: F401 - the contract


def numerical_gradient(func, point, h=1e-5):
    p = np.array(point, dtype=float)
    return np.array([(func(p + h * e) - func(p)) / h for e in np.eye(p.size)])  # the mistake: one-sided
