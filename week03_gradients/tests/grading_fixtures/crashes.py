"""Wrong on purpose (framework test): the process dies in analytic_gradient, the way a segfault would."""

import os
import signal

from _common import gradient_descent, numerical_gradient  # noqa: F401 - the contract


def analytic_gradient(point):
    os.kill(os.getpid(), signal.SIGSEGV)
