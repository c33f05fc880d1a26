"""Wrong on purpose: central differences with h = 1e-2, exact on a quadratic but far off on anything else."""

from _common import analytic_gradient, gradient_descent  # noqa: F401 - the contract
from _common import numerical_gradient as _central


def numerical_gradient(func, point, h=1e-2):  # the mistake: h² · f‴ is ~1e-4 here
    return _central(func, point, h)
