"""Wrong on purpose (grading fixture): cleaning "handles" missing ages by dropping those passengers.

A fifth of the passengers vanish without a word, and the survivors are no longer a sample of the ship. Caught by
the `clean_keeps_every_row` check.
"""

from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

NUMBERS = ["Pclass", "Age", "SibSp", "Parch", "Fare"]


def clean(df):
    return df.dropna(subset=["Age"]).assign(Embarked=df["Embarked"].fillna("S"), Fare=df["Fare"].fillna(14.45))


def features(df):
    return df[NUMBERS].assign(female=(df["Sex"] == "female").astype(int)).fillna(-1)


def fit(X, y):
    return make_pipeline(FunctionTransformer(features), RandomForestClassifier(50, max_depth=5, random_state=0)).fit(
        X, y
    )


def estimate(X, y):
    model = make_pipeline(FunctionTransformer(features), RandomForestClassifier(50, max_depth=5, random_state=0))
    return float(cross_val_score(model, X, y, cv=5).mean())
