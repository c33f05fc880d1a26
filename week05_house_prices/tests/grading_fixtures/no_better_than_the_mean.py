"""Wrong on purpose (grading fixture): a linear model on house age alone, barely better than predicting the mean.

Caught by the `beats_the_mean` check.
"""

from sklearn.compose import make_column_transformer
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline


def fit(X_train, y_train):
    only_age = make_column_transformer(("passthrough", ["HouseAge"]))
    return make_pipeline(only_age, LinearRegression()).fit(X_train, y_train)
