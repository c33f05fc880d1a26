"""How `roadmap grade week08 PATH` checks a learner's customer segmentation (see shared/grading).

The contract is one function, `cluster(X) -> labels`: the learner's whole procedure (scaling, choosing k,
fitting) on the customers it is given. There are no labels, so the checks ask what the reference's tests ask:
well-separated segments (silhouette), the known answer on data whose groups are known, the same segments whatever
the units of income, the same segments for the same seed.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from shared.grading import Check, Function, Metric, Rubric, SelfCheck, expect
from shared.grading.probes import seeded

CONTRACT = [
    Function("cluster", "cluster(X: pd.DataFrame) -> np.ndarray",
             "X: one row per customer, columns age, income_k (annual income, k$) and spending_score (1–100), as "
             "floats. Return one integer segment label per row. Choose k from the data (elbow, silhouette) inside "
             "the function: the grader also calls it on other data."),
]  # fmt: skip
REFERENCE = "week08_mall_clustering.grading:Reference"
SEED = 42
FEATURES = ["age", "income_k", "spending_score"]
SILHOUETTE_BAR = 0.35  # the unit's target: well above what the same procedure finds in shuffled data (~0.30)
KNOWN_ARI = 0.9  # agreement with four well-separated groups of 50 (the reference's test finds ARI > 0.95)
UNITS_ARI = 0.95  # agreement between income in k$ and income in $


@functools.cache
def customers() -> pd.DataFrame:
    from week08_mall_clustering.data import load_mall_customers

    return load_mall_customers()[FEATURES].astype("float64")


@functools.cache
def blobs() -> tuple[pd.DataFrame, np.ndarray]:
    """Four well-separated groups of 50 in three features: structure the grader knows (the reference's test data)."""
    from sklearn.datasets import make_blobs

    X, truth = make_blobs(n_samples=200, centers=4, n_features=3, cluster_std=1.0, center_box=(-10, 10),
                          random_state=3)  # fmt: skip
    return pd.DataFrame(X, columns=FEATURES), truth


class Reference:
    """The reference's procedure: scale, K-Means for every k in 2..10, the k with the highest silhouette."""

    @staticmethod
    def cluster(X: pd.DataFrame) -> np.ndarray:
        from week08_mall_clustering import clustering as cl

        scan, models = cl.scan_k(X, cl.Config(), SEED)
        return models[cl.choose_k(scan)][-1].labels_


def _median_income_split(X: pd.DataFrame) -> np.ndarray:
    return (X["income_k"] > X["income_k"].median()).to_numpy(dtype=int)


MEDIAN_SPLIT = SimpleNamespace(cluster=_median_income_split)  # the segmentation a spreadsheet gives: two halves

_memo: dict[tuple[int, str], tuple[Any, np.ndarray]] = {}


def labels(sol, X: pd.DataFrame) -> np.ndarray:
    out = np.asarray(seeded(SEED, sol.cluster, X.copy())).reshape(-1)
    expect(out.shape == (len(X),), f"`cluster` returned {out.size} labels for {len(X)} customers")
    expect(pd.notna(out).all(), "`cluster` returned missing labels")
    return out


def segments(sol) -> np.ndarray:
    """The solution's labels for the mall customers, computed once."""
    if (id(sol), "mall") not in _memo:
        _memo[id(sol), "mall"] = (sol, labels(sol, customers()))
    return _memo[id(sol), "mall"][1]


def silhouette(sol) -> float:
    """Silhouette of the solution's segments on standardised features (every unit counts the same)."""
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler

    found = segments(sol)
    expect(len(set(found)) > 1, "one segment only: a silhouette needs at least two")
    return float(silhouette_score(StandardScaler().fit_transform(customers()), found))


def ari(a: np.ndarray, b: np.ndarray) -> float:
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(a, b))


def known_groups_ari(sol) -> float:
    X, truth = blobs()
    return ari(truth, labels(sol, X))


# --- checks -----------------------------------------------------------------------------------------------


def check_more_than_one_cluster(sol) -> None:
    k = len(set(segments(sol)))
    expect(k > 1, f"{k} segment for {len(customers())} customers")


def check_silhouette_above_bar(sol) -> None:
    value = silhouette(sol)
    expect(value >= SILHOUETTE_BAR, f"silhouette {value:.3f} (standardised features) is below the bar "
                                    f"{SILHOUETTE_BAR}")  # fmt: skip


def check_finds_known_groups(sol) -> None:
    X, truth = blobs()
    found = labels(sol, X)
    k, agreement = len(set(found)), ari(truth, found)
    expect(k == 4 and agreement >= KNOWN_ARI, f"on four well-separated groups of 50 your procedure found {k} "
                                              f"segments (agreement with the truth: ARI {agreement:.2f})")  # fmt: skip


def check_same_clusters_in_other_units(sol) -> None:
    """Income in dollars instead of thousands of dollars: the same customers, the same segments."""
    X = customers()
    in_dollars = labels(sol, X.assign(income_k=X["income_k"] * 1000))
    agreement = ari(segments(sol), in_dollars)
    expect(agreement >= UNITS_ARI, f"with income in $ instead of k$ the segments changed (ARI {agreement:.2f} "
                                   "between the two)")  # fmt: skip


def check_same_seed_same_clusters(sol) -> None:
    first = segments(sol)
    agreements = [ari(first, labels(sol, customers())) for _ in range(2)]
    expect(min(agreements) == 1.0, f"with the same seed, calls gave other segments (ARI {min(agreements):.2f})")


CHECKS = [
    Check("more_than_one_cluster", "segments", check_more_than_one_cluster,
          "choose k ≥ 2 from the data: compare k = 2..10 by silhouette (and look at the elbow of the inertia)"),
    Check("silhouette_above_bar", "segments", check_silhouette_above_bar,
          "scale the features, compare k by silhouette and keep the best; the segments should be clearly "
          "better separated than in data without groups"),
    Check("finds_known_groups", "choice of k", check_finds_known_groups,
          "k must come from the data, not be fixed in the code: on data with four clear groups a silhouette "
          "scan picks 4"),
    Check("same_clusters_in_other_units", "scaling", check_same_clusters_in_other_units,
          "standardise the features before K-Means (StandardScaler in a Pipeline): unscaled, the column with "
          "the largest numbers decides the segments"),
    Check("same_seed_same_clusters", "reproducibility", check_same_seed_same_clusters,
          "pass a fixed `random_state` to KMeans and use several starts (n_init): one random start can land in "
          "another local optimum each run"),
]  # fmt: skip

METRICS = [
    Metric("silhouette", silhouette, "higher", baseline=MEDIAN_SPLIT, baseline_name="income above/below the median",
           description="mean silhouette of your segments of the 200 customers, on standardised features"),
    Metric("known_groups_ari", known_groups_ari, "higher", baseline=MEDIAN_SPLIT,
           baseline_name="income above/below the median",
           description="adjusted Rand index with the truth on 200 points in four known groups"),
]  # fmt: skip

RUBRIC = Rubric.equal(
    "segments",
    "choice of k",
    "scaling",
    "reproducibility",
    self_assessment=[
        SelfCheck("Do you justify k with the elbow and silhouette plots, and show how sure the choice is "
                  "(bootstrap, shuffled data)?", "week08_mall_clustering/README.md#results"),
        SelfCheck("Are your segment profiles in plain words about numbers, not stereotyped labels about "
                  "people?", "week08_mall_clustering/README.md#write-up"),
        SelfCheck("Does your write-up cover business uses, privacy concerns and the limits of clustering?",
                  "week08_mall_clustering/README.md#ethics"),
    ],
)  # fmt: skip
