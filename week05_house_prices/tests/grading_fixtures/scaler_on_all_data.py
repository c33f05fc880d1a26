"""Wrong on purpose (grading fixture): the scaler is fitted on the whole data set, held-out districts included.

`fit` loads California housing itself instead of using only the rows it is given: the classic "scale, then
split". Caught by the `reads_only_its_arguments` check.
"""

from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from week05_house_prices.data import load_california


def fit(X_train, y_train):
    everything = load_california(as_frame=True).frame[X_train.columns]
    scaler = StandardScaler().fit(everything)  # sees the test rows too
    model = LinearRegression().fit(scaler.transform(X_train), y_train)
    return make_pipeline(scaler, model)
