"""Wrong on purpose (grading fixture): scikit-learn's own coding (benign = 1) put back, so "positive" is benign.

The grader's labels say malignant = 1; this model's probabilities rank benign tumours first. Caught by the
`bigger_tumours_score_higher` check.
"""

from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def fit(X_train, y_train):
    benign = 1 - y_train  # "target 1 = benign, as in load_breast_cancer"
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X_train, benign)
