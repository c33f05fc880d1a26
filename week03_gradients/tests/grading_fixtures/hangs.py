"""Wrong on purpose (framework test): gradient_descent never returns."""

from _common import analytic_gradient, numerical_gradient  # noqa: F401 - the contract


def gradient_descent(start, lr, steps):
    while True:
        pass
