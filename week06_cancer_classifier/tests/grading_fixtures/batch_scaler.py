"""Wrong on purpose (grading fixture): `predict_proba` standardises each batch with that batch's own statistics.

A tumour's probability then depends on which other tumours are scored with it. Caught by the
`batch_independent` check.
"""

from sklearn.linear_model import LogisticRegression


class BatchScaledLogistic:
    def __init__(self, model):
        self.model = model

    def _scale(self, X):
        return (X - X.mean()) / X.std(ddof=0).replace(0, 1).fillna(1)

    def predict_proba(self, X):
        return self.model.predict_proba(self._scale(X))

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] >= 0.3).astype(int)


def fit(X_train, y_train):
    scaled = (X_train - X_train.mean()) / X_train.std(ddof=0)
    return BatchScaledLogistic(LogisticRegression(max_iter=1000).fit(scaled, y_train))
