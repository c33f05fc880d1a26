"""Wrong on purpose (grading fixture): "recall first" taken literally — every tumour is called malignant.

Recall is 100% and the model is useless: it tells a doctor nothing. Caught by the `predicts_both_classes` check.
"""

import numpy as np


class AlwaysMalignant:
    def predict_proba(self, X):
        return np.tile([0.0, 1.0], (len(X), 1))

    def predict(self, X):
        return np.ones(len(X), dtype=int)


def fit(X_train, y_train):
    return AlwaysMalignant()
