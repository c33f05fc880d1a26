"""Wrong on purpose (grading fixture): k fixed at 5 because "the tutorial used 5", never chosen from the data.

On data with four clear groups it still cuts five. Caught by the `finds_known_groups` check.
"""

from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler


def cluster(X):
    return KMeans(n_clusters=5, n_init=5, random_state=0).fit_predict(StandardScaler().fit_transform(X))
