"""Wrong on purpose (grading fixture): predicts that every passenger was transported.

About half right on any file, and no use to anyone. Caught by the `predicts_both_classes` check.
"""

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold


def cv_splits(X, y):
    groups = X["PassengerId"].str.split("_").str[0]
    return list(StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0).split(X, y, groups))


class EveryoneTransported:
    def predict(self, X):
        return np.ones(len(X), dtype=bool)

    def predict_proba(self, X):
        return np.tile([0.0, 1.0], (len(X), 1))


def fit(X, y):
    return EveryoneTransported()
