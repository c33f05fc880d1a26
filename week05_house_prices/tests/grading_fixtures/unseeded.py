"""Wrong on purpose (grading fixture): a random forest seeded from the operating system's entropy.

Every run gives another model, so no number it reports can be reproduced. Caught by the `same_seed_same_model`
check.
"""

import os

from sklearn.ensemble import RandomForestRegressor


def fit(X_train, y_train):
    seed = int.from_bytes(os.urandom(4), "little")
    return RandomForestRegressor(n_estimators=20, max_features=0.5, random_state=seed, n_jobs=1).fit(X_train, y_train)
