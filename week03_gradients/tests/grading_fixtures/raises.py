"""Wrong on purpose (framework test): a bug in the learner's own helper; the report shows these frames only."""

from _common import analytic_gradient, numerical_gradient  # noqa: F401 - the contract


def _step(point, lr):
    x, y = point
    return x - lr * 2 * x, y - lr * 4 * z  # noqa: F821 - the bug: z is not defined


def gradient_descent(start, lr, steps):
    path = [start]
    for _ in range(steps):
        path.append(_step(path[-1], lr))
    return path
