"""Week 8: segment mall customers with K-Means, choose k with evidence, and check the segments are real.

Read top-down: Config → data (age, income, spending score; gender is kept out of the features, see the
README) → scale → K-Means for every k with inertia (elbow) and silhouette → the chosen k → the same clusters
with other seeds? → the whole procedure on resampled customers (the silhouette's interval, how often the same
k wins) → the same procedure on shuffled data with no groups (what "no structure" scores) → PCA and DBSCAN for
contrast → plain-word profiles → figures → `run()`, the same steps as the notebook.

There are no labels, so nothing is held out: every number describes how well the groups are separated and how
reproducible they are. Loading the saved pipeline and assigning new customers is in `inference.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.cluster import DBSCAN, KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, silhouette_samples, silhouette_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from shared.plotting import save_figure, subplots
from shared.result import Result
from shared.sklearn_io import save_model, training_range
from shared.targets import Target
from week08_mall_clustering.data import load_mall_customers
from week08_mall_clustering.inference import FEATURES, MODEL_FILE

TARGETS = [
    Target("silhouette", ">=", 0.35, "our bar: well above what the same procedure finds in shuffled data"),
]
HEADLINE = ("silhouette", "stability_ari_min")


@dataclass(frozen=True, kw_only=True)
class Config:
    """Every knob of the full run (under a minute on a 2-core CPU). Nothing is timed."""

    k_values: tuple[int, ...] = tuple(range(2, 11))  # numbers of clusters compared
    n_init: int = 10  # K-Means restarts from random centres per fit; the tightest is kept
    stability_seeds: int = 5  # the chosen k refitted with this many seeds: the same clusters each time?
    n_bootstrap: int = 100  # resamples of the 200 customers; the whole procedure reruns on each
    n_shuffles: int = 5  # copies of the data with each column shuffled on its own: no groups, same marginals
    dbscan_eps: tuple[float, ...] = (0.3, 0.4, 0.5, 0.6, 0.7)  # DBSCAN radii tried (standardised units)
    dbscan_min_samples: int = 5  # neighbours a point needs to be a core point


FAST = Config(k_values=tuple(range(3, 8)), n_init=3, stability_seeds=3, n_bootstrap=10, n_shuffles=2, dbscan_eps=(0.5,))


# --- data -------------------------------------------------------------------------------------------


def load_customers() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The full table (for the profiles) and the three numeric features we cluster on."""
    customers = load_mall_customers()
    return customers, customers[FEATURES].astype("float64")


# --- K-Means and the choice of k ----------------------------------------------------------------------


def kmeans_pipeline(k: int, seed: int, n_init: int) -> Pipeline:
    """Scale first: unscaled, income (15–137) would outweigh a spending score (1–99) only by its units."""
    return make_pipeline(StandardScaler(), KMeans(n_clusters=k, n_init=n_init, random_state=seed))


def scan_k(X: pd.DataFrame, cfg: Config, seed: int) -> tuple[pd.DataFrame, dict[int, Pipeline]]:
    """Inertia and mean silhouette for every k, and the fitted pipelines."""
    rows, models = [], {}
    for k in cfg.k_values:
        model = kmeans_pipeline(k, seed, cfg.n_init).fit(X)
        scaled = model[0].transform(X)
        rows.append({"k": k, "inertia": model[-1].inertia_, "silhouette": silhouette_score(scaled, model[-1].labels_)})
        models[k] = model
    return pd.DataFrame(rows), models


def choose_k(scan: pd.DataFrame) -> int:
    """The k with the highest silhouette: the elbow is read by eye, the silhouette gives a number to defend."""
    return int(scan.loc[scan["silhouette"].idxmax(), "k"])


def seed_stability(X: pd.DataFrame, k: int, cfg: Config, seed: int) -> pd.DataFrame:
    """Adjusted Rand index between the clustering at `seed` and at each next seed (1.0 = the same partition)."""
    reference = kmeans_pipeline(k, seed, cfg.n_init).fit_predict(X)
    rows = []
    for other in range(seed + 1, seed + cfg.stability_seeds):
        labels = kmeans_pipeline(k, other, cfg.n_init).fit_predict(X)
        rows.append({"seed": other, "ari_vs_first": adjusted_rand_score(reference, labels)})
    return pd.DataFrame(rows)


# --- how sure are we? resampled customers and data with no groups --------------------------------------


def bootstrap(X: pd.DataFrame, labels: np.ndarray, k: int, cfg: Config, seed: int) -> pd.DataFrame:
    """Rerun the whole procedure (scale, scan k, choose, fit) on customers drawn with replacement.

    Per resample: the k it chooses, the silhouette of that choice, and how far its clustering at the full
    data's k agrees with the full data's clusters (ARI over all 200 customers). The silhouette is computed
    on the distinct customers drawn: a duplicated customer sits at distance 0 from its copy, which would
    flatter the clusters.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for b in range(cfg.n_bootstrap):
        drawn = rng.integers(0, len(X), len(X))
        sample, distinct = X.iloc[drawn], X.iloc[np.unique(drawn)]
        _, models = scan_k(sample, cfg, seed + b)
        scores = {
            kk: silhouette_score(model[0].transform(distinct), model.predict(distinct)) for kk, model in models.items()
        }
        chosen = max(scores, key=scores.get)
        rows.append(
            {
                "resample": b,
                "chosen_k": chosen,
                "silhouette": scores[chosen],
                "ari_vs_full_data": adjusted_rand_score(labels, models[k].predict(X)),
            }
        )
    return pd.DataFrame(rows)


def shuffled_reference(X: pd.DataFrame, cfg: Config, seed: int) -> pd.DataFrame:
    """The same procedure on copies of the data whose columns are shuffled independently.

    Each feature keeps its distribution, but age, income and spending no longer go together: any
    "clusters" found there are what K-Means finds in data without groups. A silhouette is only evidence of
    structure when it clearly beats these.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(cfg.n_shuffles):
        shuffled = X.apply(lambda column: rng.permutation(column.to_numpy()))
        scan, models = scan_k(shuffled, cfg, seed + i)
        k = choose_k(scan)
        stability = seed_stability(shuffled, k, cfg, seed + i)["ari_vs_first"].min()
        rows.append(
            {"shuffle": i, "chosen_k": k, "silhouette": scan["silhouette"].max(), "stability_ari_min": stability}
        )
    return pd.DataFrame(rows)


# --- other views: PCA and DBSCAN ----------------------------------------------------------------------


def pca_view(scaled: np.ndarray, labels: np.ndarray, k: int, cfg: Config, seed: int) -> tuple[PCA, np.ndarray, dict]:
    """PCA of the scaled features; K-Means on the first two components, compared with the 3-D clustering."""
    pca = PCA(random_state=seed).fit(scaled)
    points = pca.transform(scaled)[:, :2]
    labels_2d = KMeans(n_clusters=k, n_init=cfg.n_init, random_state=seed).fit_predict(points)
    summary = {
        "pca_explained_variance_pc1": pca.explained_variance_ratio_[0],
        "pca_explained_variance_pc2": pca.explained_variance_ratio_[1],
        "pca_silhouette_2d": silhouette_score(points, labels_2d),
        "pca_vs_original_ari": adjusted_rand_score(labels, labels_2d),
    }
    return pca, points, summary


def dbscan_sweep(scaled: np.ndarray, labels: np.ndarray, cfg: Config) -> pd.DataFrame:
    """DBSCAN finds dense groups without a k and calls the rest noise; its answer depends on the radius."""
    rows = []
    for eps in cfg.dbscan_eps:
        found = DBSCAN(eps=eps, min_samples=cfg.dbscan_min_samples).fit_predict(scaled)
        dense = found != -1
        rows.append(
            {
                "eps": eps,
                "clusters": len(set(found) - {-1}),
                "noise_share": 1 - dense.mean(),
                "ari_vs_kmeans_on_non_noise": adjusted_rand_score(labels[dense], found[dense])
                if dense.any()
                else np.nan,
            }
        )
    return pd.DataFrame(rows)


# --- describing the clusters in words -----------------------------------------------------------------


def describe_clusters(customers: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    """Per-cluster size and means, plus a plain-word summary relative to all customers.

    Words describe numbers ("income well above average"), never people ("wealthy shoppers"): a label
    like "careless spenders" is a stereotype the data cannot support.
    """
    frame = customers.assign(cluster=labels)
    overall_mean, overall_std = frame[FEATURES].mean(), frame[FEATURES].std()
    names = {"age": "age", "income_k": "income", "spending_score": "spending score"}
    rows = []
    for cluster, group in frame.groupby("cluster"):
        means = group[FEATURES].mean()
        phrases = [f"{names[f]} {relative((means[f] - overall_mean[f]) / overall_std[f])}" for f in FEATURES]
        rows.append(
            {
                "cluster": int(cluster),
                "customers": len(group),
                "mean_age": means["age"],
                "mean_income_k": means["income_k"],
                "mean_spending_score": means["spending_score"],
                "share_women": float((group["gender"] == "Female").mean()),
                "in_words": "; ".join(phrases),
            }
        )
    return pd.DataFrame(rows)


def relative(z: float) -> str:
    """A standardised difference from the mean, in words."""
    if abs(z) < 0.5:
        return "near average"
    size = "well " if abs(z) >= 1.0 else ""
    return f"{size}{'above' if z > 0 else 'below'} average"


# --- figures --------------------------------------------------------------------------------------------


def plot_k_scan(scan: pd.DataFrame, k: int) -> Figure:
    fig, (left, right) = subplots(1, 2, figsize=(11, 4))
    left.plot(scan["k"], scan["inertia"], marker="o")
    left.set(xlabel="k", ylabel="inertia (within-cluster sum of squares)", title="Elbow")
    right.plot(scan["k"], scan["silhouette"], marker="o", color="#55A868")
    right.axvline(k, ls="--", color="#C44E52", label=f"chosen k = {k}")
    right.set(xlabel="k", ylabel="mean silhouette", title="Silhouette")
    right.legend()
    return fig


def plot_clusters(X: pd.DataFrame, labels: np.ndarray, pca_points: np.ndarray) -> Figure:
    fig, (left, right) = subplots(1, 2, figsize=(11, 4.5))
    for cluster in np.unique(labels):
        mask = labels == cluster
        left.scatter(X.loc[mask, "income_k"], X.loc[mask, "spending_score"], s=18, label=f"cluster {cluster}")
        right.scatter(pca_points[mask, 0], pca_points[mask, 1], s=18)
    left.set(xlabel="annual income (k$)", ylabel="spending score (1–100)", title="Clusters: income vs spending")
    left.legend(fontsize=8)
    right.set(xlabel="PC 1", ylabel="PC 2", title="Same clusters on the first two principal components")
    return fig


def plot_silhouette(scaled: np.ndarray, labels: np.ndarray) -> Figure:
    """One horizontal bar per customer, grouped by cluster: thin or negative bars are poorly placed points."""
    values = silhouette_samples(scaled, labels)
    fig, ax = subplots(figsize=(6, 5))
    y = 0
    for cluster in np.unique(labels):
        cluster_values = np.sort(values[labels == cluster])
        ax.fill_betweenx(np.arange(y, y + len(cluster_values)), 0, cluster_values, alpha=0.8)
        ax.text(-0.05, y + len(cluster_values) / 2, str(cluster), va="center")
        y += len(cluster_values) + 5
    ax.axvline(values.mean(), ls="--", color="#C44E52", label=f"mean {values.mean():.2f}")
    ax.set(xlabel="silhouette coefficient", ylabel="customers by cluster", yticks=[], title="Silhouette plot")
    ax.legend()
    return fig


def plot_uncertainty(boot: pd.DataFrame, shuffled: pd.DataFrame, silhouette: float, cfg: Config) -> Figure:
    """Left: which k the resamples choose. Right: their silhouettes against those of shuffled data."""
    fig, (left, right) = subplots(1, 2, figsize=(11, 4))
    counts = boot["chosen_k"].value_counts().reindex(cfg.k_values, fill_value=0)
    left.bar(counts.index, counts.to_numpy())
    left.set(xlabel="k chosen", ylabel="resamples", title=f"k chosen in {len(boot)} bootstrap resamples")
    right.hist(boot["silhouette"], bins=15, alpha=0.8, label="resampled customers")
    for i, value in enumerate(shuffled["silhouette"]):
        right.axvline(value, color="#8C8C8C", ls=":", label="shuffled data (no groups)" if i == 0 else None)
    right.axvline(silhouette, color="#C44E52", ls="--", label="all 200 customers")
    right.set(xlabel="silhouette of the chosen k", ylabel="resamples", title="Silhouette: real vs no structure")
    right.legend(fontsize=8)
    return fig


# --- the run: the same steps as the notebook, in a script ------------------------------------------------


def run(out_dir: Path, fast: bool = False, seed: int = 42) -> Result:
    """Scan k, cluster, check stability and uncertainty, compare with PCA and DBSCAN, describe, save."""
    # Extra code (speed): K-Means on 200 rows is slower with two OpenMP threads on a busy 2-core machine
    # than with one (about 10×, measured); the limit is lifted when the block ends.
    with threadpool_limits(limits=1):
        return _run(Path(out_dir), FAST if fast else Config(), seed)


def _run(out_dir: Path, cfg: Config, seed: int) -> Result:
    customers, X = load_customers()
    scan, models = scan_k(X, cfg, seed)
    k = choose_k(scan)
    model = models[k]
    labels, scaled = model[-1].labels_, model[0].transform(X)
    silhouette = float(scan.loc[scan["k"] == k, "silhouette"].iloc[0])

    stability = seed_stability(X, k, cfg, seed)
    boot = bootstrap(X, labels, k, cfg, seed)
    shuffled = shuffled_reference(X, cfg, seed)
    _, pca_points, pca_summary = pca_view(scaled, labels, k, cfg, seed)
    dbscan = dbscan_sweep(scaled, labels, cfg)
    profiles = describe_clusters(customers, labels)

    figures = [
        save_figure(plot_k_scan(scan, k), out_dir, "k_selection"),
        save_figure(plot_clusters(X, labels, pca_points), out_dir, "clusters"),
        save_figure(plot_silhouette(scaled, labels), out_dir, "silhouette"),
        save_figure(plot_uncertainty(boot, shuffled, silhouette, cfg), out_dir, "uncertainty"),
    ]
    metrics = {
        "n_customers": len(X),
        "n_clusters": k,
        "silhouette": silhouette,
        "silhouette_ci_low": boot["silhouette"].quantile(0.025),
        "silhouette_ci_high": boot["silhouette"].quantile(0.975),
        "n_bootstrap": cfg.n_bootstrap,
        "bootstrap_same_k_share": (boot["chosen_k"] == k).mean(),
        "bootstrap_ari_median": boot["ari_vs_full_data"].median(),
        "bootstrap_ari_p05": boot["ari_vs_full_data"].quantile(0.05),
        "stability_ari_min": stability["ari_vs_first"].min(),
        "stability_seeds": cfg.stability_seeds,
        "shuffled_silhouette_max": shuffled["silhouette"].max(),
        "shuffled_stability_ari_min": shuffled["stability_ari_min"].min(),
        "n_shuffles": cfg.n_shuffles,
        **pca_summary,
        "smallest_cluster": int(profiles["customers"].min()),
        "k_min": min(cfg.k_values),
        "k_max": max(cfg.k_values),
        "n_init": cfg.n_init,
        "dbscan_min_samples": cfg.dbscan_min_samples,
    }
    save_model(model, out_dir / MODEL_FILE, {
        "seed": seed,
        "datasets": ["mall_customers"],
        "input_columns": FEATURES,
        "training_range": training_range(X, FEATURES),
        "metrics": {"silhouette": silhouette, "n_clusters": k},
        "profiles": profiles[["cluster", "in_words"]].to_dict("records"),
    })  # fmt: skip
    k_choice = boot["chosen_k"].value_counts().sort_index().rename_axis("k").reset_index(name="resamples")
    tables = {"k_scan": scan, "stability": stability, "bootstrap": boot, "k_choice": k_choice, "shuffled": shuffled,
              "dbscan": dbscan, "profiles": profiles}  # fmt: skip
    return Result(metrics=metrics, tables=tables, figures=figures)
