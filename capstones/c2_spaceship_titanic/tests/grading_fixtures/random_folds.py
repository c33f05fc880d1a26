"""Wrong on purpose (grading fixture): plain shuffled K-fold, so members of one travel group sit on both sides.

Validation passengers then share a group (and mostly an outcome) with training passengers, which Kaggle's test
groups never do. Caught by the `folds_keep_groups_together` check.
"""

from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import KFold

SPEND = ["RoomService", "FoodCourt", "ShoppingMall", "Spa", "VRDeck"]


class SpendModel:
    def __init__(self, model):
        self.model = model

    @staticmethod
    def features(X):
        return (
            X[SPEND]
            .fillna(0)
            .assign(
                asleep=X["CryoSleep"].astype("Float64").astype("float64"),
                age=X["Age"].astype("float64"),
                total=X[SPEND].fillna(0).sum(1),
            )
        )

    def predict(self, X):
        return self.model.predict(self.features(X)).astype(bool)

    def predict_proba(self, X):
        return self.model.predict_proba(self.features(X))


def cv_splits(X, y):
    return list(KFold(n_splits=5, shuffle=True, random_state=0).split(X))


def fit(X, y):
    return SpendModel(RandomForestClassifier(60, max_depth=8, random_state=0, n_jobs=1).fit(SpendModel.features(X), y))
