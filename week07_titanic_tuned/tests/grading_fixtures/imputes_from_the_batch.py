"""Wrong on purpose (grading fixture): `clean` fills missing ages and fares with the medians of whatever file it is
given, and the model calls it at prediction time too.

So a passenger's missing age is filled from the *test* passengers, and their prediction changes with who else is
in the file. Caught by the `batch_independent` check.
"""

from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer


def clean(df):
    return df.assign(
        Age=df["Age"].fillna(df["Age"].median()).fillna(28.0),
        Fare=df["Fare"].fillna(df["Fare"].median()).fillna(14.45),
        Embarked=df["Embarked"].fillna("S"),
    )


def features(df):
    cleaned = clean(df)
    return cleaned[["Pclass", "Age", "SibSp", "Parch", "Fare"]].assign(female=(cleaned["Sex"] == "female").astype(int))


def _model():
    return make_pipeline(FunctionTransformer(features), RandomForestClassifier(100, max_depth=6, random_state=0))


def fit(X, y):
    return _model().fit(X, y)


def estimate(X, y):
    return float(cross_val_score(_model(), X, y, cv=5).mean())
