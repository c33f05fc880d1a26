"""Correct pieces the wrong solutions share, so each fixture differs from a right answer in one place only."""

import numpy as np


def analytic_gradient(point):
    x, y = point
    return np.array([2.0 * x, 4.0 * y])


def numerical_gradient(func, point, h=1e-5):
    p = np.array(point, dtype=float)
    grad = np.zeros_like(p)
    for i in range(p.size):
        step = np.zeros_like(p)
        step[i] = h
        grad[i] = (func(p + step) - func(p - step)) / (2 * h)
    return grad


def gradient_descent(start, lr, steps):
    path = [np.array(start, dtype=float)]
    for _ in range(steps):
        path.append(path[-1] - lr * analytic_gradient(path[-1]))
    return np.array(path)
