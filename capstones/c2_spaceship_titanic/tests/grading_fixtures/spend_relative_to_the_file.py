"""Wrong on purpose (grading fixture): spending is scaled by the mean spend *of the file being predicted*.

A passenger's answer then changes with who else is in test.csv. Caught by the `batch_independent` check.
"""

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedGroupKFold

SPEND = ["RoomService", "FoodCourt", "ShoppingMall", "Spa", "VRDeck"]


def features(X):
    spend = X[SPEND].astype("float64").fillna(0)
    relative = spend / spend.mean().replace(0, 1)  # statistics of this file, not of the training rows
    asleep = X["CryoSleep"].astype("Float64").astype("float64").fillna(0)
    return relative.assign(asleep=asleep, age=X["Age"].astype("float64").fillna(28))


class FileRelative:
    def __init__(self, model):
        self.model = model

    def predict(self, X):
        return self.model.predict(features(X)).astype(bool)

    def predict_proba(self, X):
        return self.model.predict_proba(features(X))


def cv_splits(X, y):
    groups = X["PassengerId"].str.split("_").str[0]
    return list(StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0).split(X, y, groups))


def fit(X, y):
    return FileRelative(
        RandomForestClassifier(60, max_depth=8, random_state=0, n_jobs=1).fit(features(X), np.asarray(y))
    )
