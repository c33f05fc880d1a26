"""Wrong on purpose (grading fixture): precision divides by the actual positives, recall by the predicted ones.

F1, their harmonic mean, is unchanged, so a check of F1 alone passes; a recall-first threshold (week 6) chosen
with this function would be chosen on precision. Caught by `precision_recall_f1_match_sklearn`.
"""

import numpy as np
from _common import *  # noqa: F403 - every other function of the contract, correct
from _common import ratio


def precision_recall_f1(y_true, y_pred, positive=1):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    tp = np.sum((y_pred == positive) & (y_true == positive))
    fp = np.sum((y_pred == positive) & (y_true != positive))
    fn = np.sum((y_pred != positive) & (y_true == positive))
    precision, recall = ratio(tp, tp + fn), ratio(tp, tp + fp)  # the mistake: the denominators swapped
    return precision, recall, ratio(2 * precision * recall, precision + recall)
