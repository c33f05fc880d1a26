"""Wrong on purpose (grading fixture): a random forest seeded from the operating system's entropy.

Two runs with the same seed give two models. Caught by the `same_seed_same_model` check.
"""

import os

from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedGroupKFold

SPEND = ["RoomService", "FoodCourt", "ShoppingMall", "Spa", "VRDeck"]


class SpendForest:
    def __init__(self, model):
        self.model = model

    @staticmethod
    def features(X):
        return (
            X[SPEND]
            .astype("float64")
            .fillna(0)
            .assign(
                asleep=X["CryoSleep"].astype("Float64").astype("float64").fillna(0),
                age=X["Age"].astype("float64").fillna(28),
            )
        )

    def predict(self, X):
        return self.model.predict(self.features(X)).astype(bool)

    def predict_proba(self, X):
        return self.model.predict_proba(self.features(X))


def cv_splits(X, y):
    groups = X["PassengerId"].str.split("_").str[0]
    return list(StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0).split(X, y, groups))


def fit(X, y):
    seed = int.from_bytes(os.urandom(4), "little")
    forest = RandomForestClassifier(n_estimators=30, max_depth=8, random_state=seed, n_jobs=1)
    return SpendForest(forest.fit(SpendForest.features(X), y))
