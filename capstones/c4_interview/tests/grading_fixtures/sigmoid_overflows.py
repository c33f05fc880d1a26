"""Wrong on purpose (grading fixture): sigmoid written as e^z / (1 + e^z), which is inf/inf = NaN for z ≳ 710.

Right for every z a friendly test uses; a logistic regression on unscaled features (or a confident network) sees
large z. Caught by `sigmoid_is_stable`.
"""

import numpy as np
from _common import *  # noqa: F403 - every other function of the contract, correct


def sigmoid(z):
    e = np.exp(z)  # the mistake: overflows to inf for large positive z
    return e / (1 + e)
