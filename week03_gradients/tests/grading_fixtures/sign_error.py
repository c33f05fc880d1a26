"""Wrong on purpose: the numerator of the central difference is swapped, so every component has the wrong sign."""

import numpy as np
from _common import analytic_gradient, gradient_descent  # noqa: F401 - the contract


def numerical_gradient(func, point, h=1e-5):
    p = np.array(point, dtype=float)
    grad = np.zeros_like(p)
    for i in range(p.size):
        step = np.zeros_like(p)
        step[i] = h
        grad[i] = (func(p - step) - func(p + step)) / (2 * h)  # the mistake: f(p − h) − f(p + h)
    return grad
