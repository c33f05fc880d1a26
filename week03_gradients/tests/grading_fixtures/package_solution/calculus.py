"""Gradients by hand and by central differences."""

import numpy as np


def analytic_gradient(point):
    x, y = point
    return np.array([2.0 * x, 4.0 * y])


def numerical_gradient(func, point, h=1e-5):
    p = np.array(point, dtype=float)
    return np.array([(func(p + h * e) - func(p - h * e)) / (2 * h) for e in np.eye(p.size)])
