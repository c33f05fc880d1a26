"""Wrong on purpose (grading fixture): rows are the predicted class and columns the true class.

The diagonal is right, so accuracy from it is right; false positives and false negatives trade places. Caught by
`confusion_matrix_matches_sklearn`.
"""

import numpy as np
from _common import *  # noqa: F403 - every other function of the contract, correct


def confusion_matrix_by_hand(y_true, y_pred, labels):
    position = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    for truth, guess in zip(y_true, y_pred, strict=True):
        matrix[position[guess], position[truth]] += 1  # the mistake: [predicted, true]
    return matrix
