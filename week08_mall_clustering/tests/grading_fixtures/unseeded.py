"""Wrong on purpose (grading fixture): K-Means with one random start, seeded from the operating system's entropy.

Each call may draw other centres and land in another local optimum. Caught by the `same_seed_same_clusters` check.
"""

import os

from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler


def cluster(X):
    seed = int.from_bytes(os.urandom(4), "little")
    return KMeans(n_clusters=8, n_init=1, init="random", random_state=seed).fit_predict(
        StandardScaler().fit_transform(X)
    )
