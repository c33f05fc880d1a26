"""Scaling out on an existing engine: the pipeline's heavy steps as Dask steps, on one machine or a cluster.

When one machine is not enough (many sites to crawl, millions of articles to featurise, a large hyperparameter
search), the same code runs on a Dask cluster. One setting, `scheduler`, picks where:

| `scheduler` | runs on |
|---|---|
| `"processes"` (default) | Dask's local process pool, one process per CPU core (joblib's own pool for the search) |
| `"local-cluster:N"` | a `distributed.LocalCluster` on this machine: N worker processes, 1 thread each |
| `"tcp://host:8786"` | an existing Dask scheduler (a real cluster); its workers must have this package installed |
| `"synchronous"` | one thread, no parallelism: for debugging (a plain traceback) and as the reference in tests |

The three steps:

- `crawl_many`: a `dask.bag` with one task per *host* (not per page): politeness is per host, so one host's pages
  stay in one task, one request at a time, while different sites are crawled in parallel.
- `featurise`: texts → sparse features, one task per partition of rows. `HashingVectorizer` is the standard choice
  here because it is *stateless*: a word's column is a hash, so partitions need no shared vocabulary and no fit
  step, nothing is sent between workers, and the result is the same however the rows are split. A TF-IDF
  vectorizer would first need a pass over all the data to build its vocabulary and document frequencies (a
  reduction), then ship that vocabulary to every worker.
- `search_with_dask`: scikit-learn's `GridSearchCV` under joblib's Dask backend: each (parameters, fold) fit is a
  Dask task. The code of the search does not change at all; only the backend does.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import scipy.sparse

from shared.errors import RoadmapError

if TYPE_CHECKING:
    from distributed import Client

DEFAULT_SCHEDULER = "processes"
ROWS_PER_PARTITION = 1000  # featurise's task size: big enough that Dask's per-task overhead (~1 ms) is noise
LOCAL_SCHEDULERS = ("processes", "synchronous")
_LOCAL_CLUSTER = re.compile(r"^local-cluster:(\d+)$")


@contextmanager
def dask_client(scheduler: str = DEFAULT_SCHEDULER) -> Iterator[Client | None]:
    """Run the block on `scheduler` (see the module docstring); yields the `Client`, or None for a local pool."""
    import dask

    if scheduler in LOCAL_SCHEDULERS:
        with dask.config.set(scheduler=scheduler):
            yield None
        return
    from distributed import Client, LocalCluster

    match = _LOCAL_CLUSTER.match(scheduler)
    if match:
        n_workers = int(match.group(1))
        if n_workers < 1:
            raise RoadmapError(f"local-cluster needs at least 1 worker, got {scheduler!r}")
        cluster = LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None,
            silence_logs=logging.ERROR,
        )  # fmt: skip
        with cluster, Client(cluster) as client:
            yield client
        return
    if scheduler.startswith("tcp://"):
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise RoadmapError(f"could not reach the Dask scheduler at {scheduler}: {exc}") from None
        with client:
            yield client
        return
    raise RoadmapError(
        f"unknown scheduler {scheduler!r}: use 'processes', 'local-cluster:N' (N workers), a 'tcp://host:port' "
        "scheduler address, or 'synchronous'"
    )


@contextmanager
def _on(scheduler: str | None) -> Iterator[object]:
    """`scheduler=None`: whatever is active (an enclosing `dask_client`, else Dask's default); else open one."""
    if scheduler is None:
        yield _current_client()
    else:
        with dask_client(scheduler) as client:
            yield client


def _current_client():
    try:
        from distributed import get_client

        return get_client()
    except (ImportError, ValueError):  # no distributed scheduler in use
        return None


# --- scraping fan-out -----------------------------------------------------------------------------------------------


def _crawl_host(job: tuple[str, list[str], str, dict]) -> list[tuple[pd.DataFrame, dict]]:
    from week16_pipeline.scraper import crawl

    host, urls, cache_dir, kwargs = job
    results = []
    for url in urls:  # one host's sites in turn: its rate limit holds across them
        frame, report = crawl(url, cache_dir=Path(cache_dir) / re.sub(r"[^A-Za-z0-9.-]", "_", host), **kwargs)
        results.append((frame.assign(site=url), {"site": url, **report.to_dict()}))
    return results


def crawl_many(
    base_urls: Iterable[str], *, cache_dir: Path, scheduler: str | None = None, **crawl_kwargs
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Crawl several sites in parallel, one Dask task per host; returns (articles with a `site` column, reports).

    `crawl_kwargs` go to `scraper.crawl` (progress bars are off: they would interleave across workers). The
    report table has one row per site and the columns of `ScrapeReport`.
    """
    import dask.bag as db

    by_host: dict[str, list[str]] = {}
    for url in base_urls:
        by_host.setdefault(urlsplit(url).netloc.lower(), []).append(url)
    if not by_host:
        raise RoadmapError("crawl_many needs at least one base URL")
    kwargs = {**crawl_kwargs, "progress": False}
    jobs = [(host, urls, str(cache_dir), kwargs) for host, urls in by_host.items()]
    with _on(scheduler):
        results = db.from_sequence(jobs, npartitions=len(jobs)).map(_crawl_host).flatten().compute()
    articles = pd.concat([frame for frame, _ in results], ignore_index=True)
    return articles, pd.DataFrame([report for _, report in results])


# --- featurisation --------------------------------------------------------------------------------------------------


def featurise(
    texts: pd.Series, *, vectorizer, scheduler: str | None = None, rows_per_partition: int = ROWS_PER_PARTITION
) -> scipy.sparse.csr_matrix:
    """Transform `texts` with `vectorizer` partition by partition as a `dask.bag` step; rows stay in order.

    `vectorizer` must be stateless (`HashingVectorizer`, see the module docstring) or already fitted: each worker
    only calls `transform` on its rows. `scheduler=None` uses the active `dask_client` block, if any.
    """
    import dask.bag as db
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(vectorizer)
    except NotFittedError:
        raise RoadmapError(
            f"{type(vectorizer).__name__} is not fitted: fit it first, or use a stateless HashingVectorizer"
        ) from None
    values = pd.Series(texts).astype(str).to_numpy()
    if len(values) == 0:
        raise RoadmapError("featurise needs at least one text")
    chunks = np.array_split(values, -(-len(values) // rows_per_partition))
    with _on(scheduler):
        parts = db.from_sequence(chunks, npartitions=len(chunks)).map(vectorizer.transform).compute()
    return scipy.sparse.vstack(parts, format="csr")


# --- model search ---------------------------------------------------------------------------------------------------


def search_with_dask(estimator, param_grid: dict, X, y, scheduler: str | None = None, *, cv: int = 3,
                     scoring: str = "accuracy", seed: int = 0):  # fmt: skip
    """`GridSearchCV(estimator, param_grid)` fitted with every (parameters, fold) fit as a Dask task; returns it.

    On a distributed scheduler (a local cluster or an address) the fits go through joblib's Dask backend; on
    `"processes"` through joblib's own local process pool; on `"synchronous"` one after another. The folds are
    fixed by `seed`, so every scheduler gives the same scores.
    """
    import joblib
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=seed)
    search = GridSearchCV(estimator, param_grid, cv=folds, scoring=scoring, n_jobs=-1, refit=True, error_score="raise")
    with _on(scheduler) as client:
        if client is not None:
            backend = {"backend": "dask"}
        elif _dask_scheduler() == "synchronous":
            backend = {"backend": "sequential", "n_jobs": 1}
        else:
            backend = {"backend": "loky"}
        with joblib.parallel_config(**backend):
            search.fit(X, y)
    return search


def _dask_scheduler() -> str | None:
    import dask

    return dask.config.get("scheduler", None)


# --- speed-up vs workers --------------------------------------------------------------------------------------------


def measure_speedup(texts: pd.Series, labels, workers: tuple[int, ...] = (1, 2), *, seed: int = 0) -> pd.DataFrame:
    """Time the same featurise + grid search of `texts` on LocalClusters of 1, 2, ... workers (reported, never gating).

    One row per worker count: cluster start-up, featurise and search seconds, speed-up over the first row, the
    search's best C and CV accuracy (identical on every row: the answer must not depend on the workers).

    What the numbers mean. This machine has 2 CPU cores, shared by the scheduler, the client (this process) and
    the workers, so 2 workers can at best halve the time, and Dask's overheads (a few ms per task, pickling the
    sparse matrix to each worker, one-off worker start-up) take a visible share of a job this small. On a real
    cluster each worker brings its own cores and memory: featurisation scales almost linearly with workers until
    reading the input becomes the limit (workers should then read their partitions from shared storage such as
    S3 rather than receive them from the client); a grid search scales up to its number of (parameters × folds)
    fits, and beyond that only a larger grid or nested parallelism helps. The network and serialisation become the
    costs to watch (`client.scatter` the training matrix once), workers can be added and removed with load
    (`cluster.adapt`), and a lost worker's tasks are rerun by the scheduler.
    """
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import LogisticRegression

    labels = np.asarray(labels)
    vectorizer = HashingVectorizer(n_features=2**18, alternate_sign=False, ngram_range=(1, 2))
    estimator = LogisticRegression(max_iter=1000)
    grid = {"C": [1.0, 4.0, 16.0]}
    rows = []
    for n in workers:
        started = time.perf_counter()
        with dask_client(f"local-cluster:{n}"):
            ready = time.perf_counter()
            X = featurise(texts, vectorizer=vectorizer)
            featurised = time.perf_counter()
            search = search_with_dask(estimator, grid, X, labels, seed=seed)
            searched = time.perf_counter()
        rows.append({
            "workers": n, "startup_s": ready - started, "featurise_s": featurised - ready,
            "search_s": searched - featurised, "total_s": searched - ready,
            "best_C": search.best_params_["C"], "cv_accuracy": search.best_score_,
        })  # fmt: skip
    table = pd.DataFrame(rows)
    table["speedup"] = table["total_s"].iloc[0] / table["total_s"]
    return table
