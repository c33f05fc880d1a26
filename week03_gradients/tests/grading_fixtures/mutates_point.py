"""Wrong on purpose: steps by editing the caller's array in place and never puts it back."""

import numpy as np
from _common import analytic_gradient, gradient_descent  # noqa: F401 - the contract


def numerical_gradient(func, point, h=1e-5):
    p = np.asarray(point, dtype=float)  # the mistake: no copy, so p is the caller's array
    grad = np.zeros_like(p)
    for i in range(p.size):
        p[i] += h
        plus = func(p)
        p[i] -= 2 * h
        minus = func(p)
        grad[i] = (plus - minus) / (2 * h)
    return grad
