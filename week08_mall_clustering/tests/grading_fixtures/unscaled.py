"""Wrong on purpose (grading fixture): K-Means on the raw columns, without scaling.

The clusters then depend on the units: income in dollars instead of thousands outweighs age and spending and
gives other groups. Caught by the `same_clusters_in_other_units` check.
"""

from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score


def cluster(X):
    best = None
    for k in range(2, 9):
        labels = KMeans(n_clusters=k, n_init=5, random_state=0).fit_predict(X)
        score = silhouette_score(X, labels)
        if best is None or score > best[0]:
            best = (score, labels)
    return best[1]
