"""Week 8: more than one cluster, silhouette above the bar, the same clusters across seeds and runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from week08_mall_clustering.clustering import TARGETS, choose_k, describe_clusters, run


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("week08")
    return out, run(out, fast=True, seed=42)


def test_more_than_one_cluster(fast_run):
    _, metrics = fast_run
    assert metrics["n_clusters"] > 1


def test_silhouette_and_stability_above_bars(fast_run):
    _, metrics = fast_run
    for target in TARGETS:
        assert target.met(metrics), str(target)


def test_same_seed_same_metrics(fast_run, tmp_path):
    _, metrics = fast_run
    assert run(tmp_path, fast=True, seed=42) == metrics


def test_artefacts_written(fast_run):
    out, _ = fast_run
    for name in ["k_selection.png", "clusters.png", "silhouette.png", "cluster_profiles.csv", "MODEL_CARD.md"]:
        assert (out / name).is_file(), name


def test_choose_k_takes_highest_silhouette():
    scan = pd.DataFrame({"silhouette": [0.3, 0.5, 0.4], "inertia": [9, 5, 4]}, index=pd.Index([2, 3, 4], name="k"))
    assert choose_k(scan) == 3


def test_profiles_describe_numbers_not_people():
    customers = pd.DataFrame(
        {
            "age": [20, 22, 60, 62],
            "income_k": [30, 32, 90, 92],
            "spending_score": [49, 51, 49, 51],
            "gender": ["Female", "Male", "Female", "Female"],
        }
    )
    profiles = describe_clusters(customers, np.array([0, 0, 1, 1]))
    assert profiles.loc[0, "in words"] == "age below average; income below average; spending score near average"
    assert profiles.loc[1, "share women"] == 1.0
