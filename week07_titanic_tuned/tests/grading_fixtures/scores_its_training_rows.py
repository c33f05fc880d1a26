"""Wrong on purpose (grading fixture): the accuracy estimate is measured on the rows the model was trained on.

A deep random forest remembers its training passengers, so the estimate says ~95% whatever the data — even when
the labels are noise. Caught by the `estimate_is_honest` check.
"""

from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

NUMBERS = ["Pclass", "Age", "SibSp", "Parch", "Fare"]


def clean(df):
    return df.assign(Age=df["Age"].fillna(28.0), Fare=df["Fare"].fillna(14.45), Embarked=df["Embarked"].fillna("S"))


def features(df):
    return clean(df)[NUMBERS].assign(female=(df["Sex"] == "female").astype(int))


def fit(X, y):
    return make_pipeline(FunctionTransformer(features), RandomForestClassifier(100, random_state=0)).fit(X, y)


def estimate(X, y):
    return float((fit(X, y).predict(X) == y).mean())  # scored on its own training rows
