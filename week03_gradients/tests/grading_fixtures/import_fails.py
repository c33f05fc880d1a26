"""Wrong on purpose (framework test): the file fails at import, so nothing can be checked."""

import numpy as np

POINT = np.array([1.0, 2.0]) @ np.array([1.0, 2.0, 3.0])  # shapes (2,) and (3,) do not align


def numerical_gradient(func, point, h=1e-5):
    return np.zeros(2)
