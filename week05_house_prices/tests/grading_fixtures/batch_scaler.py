"""Wrong on purpose (grading fixture): `predict` scales each batch with that batch's own mean and spread.

The classic `scaler.fit_transform(X_test)`: a district's price then depends on which other districts are asked
with it. Caught by the `batch_independent` check.
"""

import numpy as np
from sklearn.linear_model import Ridge


class BatchScaledRidge:
    def __init__(self, model):
        self.model = model

    def predict(self, X):
        spread = X.std(ddof=0).replace(0, 1).fillna(1)
        return self.model.predict((X - X.mean()) / spread)


def fit(X_train, y_train):
    scaled = (X_train - X_train.mean()) / X_train.std(ddof=0)
    return BatchScaledRidge(Ridge().fit(scaled, np.asarray(y_train)))
