"""Wrong on purpose (grading fixture): no threshold chosen at all — 0.5 on a heavily regularised model.

Recall is what the threshold buys; left at 0.5 with probabilities squeezed towards the middle, too many cancers
are called benign. Caught by the `recall_first` check.
"""

from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def fit(X_train, y_train):
    return make_pipeline(StandardScaler(), LogisticRegression(C=0.0005, max_iter=1000)).fit(X_train, y_train)
