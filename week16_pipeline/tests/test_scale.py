"""The Dask steps: a two-worker LocalCluster gives exactly what the one-thread scheduler gives."""

from __future__ import annotations

import dask
import numpy as np
import pandas as pd
import pytest
from distributed import get_task_stream
from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer
from sklearn.linear_model import SGDClassifier

from shared.errors import RoadmapError
from week16_pipeline.data import load_ag_news
from week16_pipeline.news_site import NO_FAULTS, serve_news_site
from week16_pipeline.scale import crawl_many, dask_client, featurise, search_with_dask

GRID = {"alpha": [1e-4, 1e-3]}
VECTORIZER = HashingVectorizer(n_features=2**14, alternate_sign=False)


@pytest.fixture(scope="module")
def news() -> pd.DataFrame:
    return load_ag_news().sample(600, random_state=0).reset_index(drop=True)


@pytest.fixture(scope="module")
def local_result(news):
    """Features and search on the one-thread scheduler: the reference."""
    texts = news["title"] + " " + news["description"]
    with dask_client("synchronous") as client:
        assert client is None and dask.config.get("scheduler") == "synchronous"
        X = featurise(texts, vectorizer=VECTORIZER, rows_per_partition=200)
        search = search_with_dask(SGDClassifier(random_state=0), GRID, X, news["label"].to_numpy())
    return X, search


@pytest.fixture(scope="module")
def two_workers():
    with dask_client("local-cluster:2") as client:
        yield client


def test_a_two_worker_cluster_gives_the_same_features_and_search(two_workers, news, local_result):
    assert len(two_workers.scheduler_info()["workers"]) == 2
    X_local, search_local = local_result
    texts = news["title"] + " " + news["description"]
    with get_task_stream(two_workers) as tasks:
        X = featurise(texts, vectorizer=VECTORIZER, rows_per_partition=200)
    assert len(tasks.data) >= 3  # one per partition at least, and they ran on the cluster's workers
    assert {task["worker"] for task in tasks.data} <= set(two_workers.scheduler_info()["workers"])
    assert X.shape == (600, 2**14) and (X != X_local).nnz == 0
    assert (X != VECTORIZER.transform(texts)).nnz == 0  # and the same as without Dask, rows in order
    search = search_with_dask(SGDClassifier(random_state=0), GRID, X, news["label"].to_numpy())
    assert search.best_params_ == search_local.best_params_
    np.testing.assert_array_equal(search.cv_results_["mean_test_score"], search_local.cv_results_["mean_test_score"])
    assert search.best_score_ > 0.6  # four balanced classes: chance is 0.25


def test_crawl_many_crawls_each_site_once_and_reports_per_site(news, tmp_path):
    # On the one-thread scheduler: the fan-out logic is the same on a cluster, whose start-up costs ~10-20 s here.
    with (
        serve_news_site(news.head(6), faults=NO_FAULTS, page_size=3) as site_a,
        serve_news_site(news.iloc[6:10], faults=NO_FAULTS, page_size=3) as site_b,
    ):
        articles, reports = crawl_many(
            [site_a, site_b], cache_dir=tmp_path, scheduler="synchronous", delay_s=0.0, timeout_s=5.0
        )
    assert reports["site"].tolist() == [site_a, site_b]
    assert reports["articles"].tolist() == [6, 4] and reports["server_error"].sum() == 0
    assert articles.groupby("site").size().to_dict() == {site_a: 6, site_b: 4}
    assert set(articles["title"]) == set(news["title"].head(10))


def test_scheduler_settings_are_checked():
    for bad in ("cluster", "local-cluster:0", "local-cluster:two"):
        with pytest.raises(RoadmapError, match="scheduler|worker"), dask_client(bad):
            pass
    with pytest.raises(RoadmapError, match="not fitted"):
        featurise(pd.Series(["a text"]), vectorizer=TfidfVectorizer())
