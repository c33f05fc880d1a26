"""Gradient descent on x² + 2y²."""

import numpy as np

from .calculus import analytic_gradient


def gradient_descent(start, lr, steps):
    path = [np.array(start, dtype=float)]
    for _ in range(steps):
        path.append(path[-1] - lr * analytic_gradient(path[-1]))
    return np.array(path)
