"""Week 8: segment mall customers with K-Means, choose k with evidence, and describe groups in plain words.

Read top-down: data (age, income, spending score; gender is kept out of the features, see the README)
→ scale → K-Means for k = 2..10 with inertia (elbow) and silhouette → the chosen k → stability across
seeds → PCA (explained variance; clustering on 2 components for comparison) → DBSCAN for contrast →
plain-word profiles → figures, model card, saved pipeline.

    python -m week08_mall_clustering --fast
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.cluster import DBSCAN, KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, silhouette_samples, silhouette_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from shared.data import load_mall_customers
from shared.device import hardware_summary
from shared.model_card import render_model_card
from shared.plotting import save_figure, subplots
from shared.results import markdown_table
from shared.sklearn_io import save_model
from shared.targets import Target

FEATURES = ["age", "income_k", "spending_score"]
K_RANGE = range(2, 11)
MODEL_FILE = "model.skops"
STABILITY_SEEDS = 5  # K-Means restarts from random centres: the chosen clustering must not depend on the seed

TARGETS = [
    Target("silhouette", ">=", 0.35, "our bar: clearly separated clusters (0 = overlapping, 1 = perfect)"),
    Target("stability_ari_min", ">=", 0.9, "our bar: the same clusters for 5 different seeds"),
]
HEADLINE = "silhouette"


# --- data and model -------------------------------------------------------------------------------


def load_features() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The full table (for profiles) and the three numeric features we cluster on."""
    customers = load_mall_customers()
    return customers, customers[FEATURES].astype("float64")


def kmeans_pipeline(k: int, seed: int, n_init: int) -> Pipeline:
    """Scale first: unscaled, income (15–137) would outweigh a spending score (1–99) only by its units."""
    return make_pipeline(StandardScaler(), KMeans(n_clusters=k, n_init=n_init, random_state=seed))


def scan_k(X: pd.DataFrame, seed: int, n_init: int) -> pd.DataFrame:
    """Inertia and silhouette for every k in K_RANGE."""
    rows = []
    for k in K_RANGE:
        pipe = kmeans_pipeline(k, seed, n_init).fit(X)
        scaled = pipe[0].transform(X)
        rows.append({"k": k, "inertia": pipe[-1].inertia_, "silhouette": silhouette_score(scaled, pipe[-1].labels_)})
    return pd.DataFrame(rows).set_index("k")


def choose_k(scan: pd.DataFrame) -> int:
    """The k with the highest silhouette: the elbow is read by eye, silhouette gives a number to defend."""
    return int(scan["silhouette"].idxmax())


def stability(X: pd.DataFrame, k: int, seed: int, n_init: int) -> float:
    """Lowest adjusted Rand index between the clustering at `seed` and at the next seeds (1.0 = identical)."""
    reference = kmeans_pipeline(k, seed, n_init).fit_predict(X)
    others = [kmeans_pipeline(k, seed + i, n_init).fit_predict(X) for i in range(1, STABILITY_SEEDS)]
    return float(min(adjusted_rand_score(reference, labels) for labels in others))


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
        phrases = [f"{names[f]} {_relative((means[f] - overall_mean[f]) / overall_std[f])}" for f in FEATURES]
        rows.append(
            {
                "cluster": int(cluster),
                "customers": len(group),
                "mean age": means["age"],
                "mean income (k$)": means["income_k"],
                "mean spending score": means["spending_score"],
                "share women": float((group["gender"] == "Female").mean()),
                "in words": "; ".join(phrases),
            }
        )
    return pd.DataFrame(rows)


def _relative(z: float) -> str:
    if abs(z) < 0.5:
        return "near average"
    size = "well " if abs(z) >= 1.0 else ""
    return f"{size}{'above' if z > 0 else 'below'} average"


# --- figures --------------------------------------------------------------------------------------


def plot_k_scan(scan: pd.DataFrame, k: int, out_dir: Path) -> None:
    fig, (left, right) = subplots(1, 2, figsize=(11, 4))
    left.plot(scan.index, scan["inertia"], marker="o")
    left.set(xlabel="k", ylabel="inertia (within-cluster sum of squares)", title="Elbow")
    right.plot(scan.index, scan["silhouette"], marker="o", color="#55A868")
    right.axvline(k, ls="--", color="#C44E52", label=f"chosen k = {k}")
    right.set(xlabel="k", ylabel="mean silhouette", title="Silhouette")
    right.legend()
    save_figure(fig, out_dir, "k_selection")


def plot_clusters(X: pd.DataFrame, labels: np.ndarray, pca_points: np.ndarray, out_dir: Path) -> None:
    fig, (left, right) = subplots(1, 2, figsize=(11, 4.5))
    for cluster in np.unique(labels):
        mask = labels == cluster
        left.scatter(X.loc[mask, "income_k"], X.loc[mask, "spending_score"], s=18, label=f"cluster {cluster}")
        right.scatter(pca_points[mask, 0], pca_points[mask, 1], s=18)
    left.set(xlabel="annual income (k$)", ylabel="spending score (1–100)", title="Clusters: income vs spending")
    left.legend(fontsize=8)
    right.set(xlabel="PC 1", ylabel="PC 2", title="Same clusters on the first two principal components")
    save_figure(fig, out_dir, "clusters")


def plot_silhouette(scaled: np.ndarray, labels: np.ndarray, out_dir: Path) -> None:
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
    save_figure(fig, out_dir, "silhouette")


# --- the run --------------------------------------------------------------------------------------


def run(out_dir: Path, fast: bool = False, seed: int = 42) -> dict[str, Any]:
    """Scan k, cluster, check stability, compare with PCA and DBSCAN, describe, save."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    n_init = 4 if fast else 20
    customers, X = load_features()

    scan = scan_k(X, seed, n_init)
    k = choose_k(scan)
    model = kmeans_pipeline(k, seed, n_init).fit(X)
    labels = model[-1].labels_
    scaled = model[0].transform(X)

    pca = PCA(random_state=seed).fit(scaled)
    pca_points = pca.transform(scaled)[:, :2]
    pca_labels = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit_predict(pca_points)
    dbscan_labels = DBSCAN(eps=0.5, min_samples=5).fit_predict(scaled)
    dbscan_clusters = len(set(dbscan_labels) - {-1})

    profiles = describe_clusters(customers, labels)
    plot_k_scan(scan, k, out_dir)
    plot_clusters(X, labels, pca_points, out_dir)
    plot_silhouette(scaled, labels, out_dir)
    profiles.to_csv(out_dir / "cluster_profiles.csv", index=False)

    metrics: dict[str, Any] = {
        "n_customers": len(X),
        "n_clusters": k,
        "silhouette": float(scan.loc[k, "silhouette"]),
        "stability_ari_min": stability(X, k, seed, n_init),
        "pca_explained_variance_pc1": float(pca.explained_variance_ratio_[0]),
        "pca_explained_variance_pc2": float(pca.explained_variance_ratio_[1]),
        "pca_silhouette_2d": float(silhouette_score(pca_points, pca_labels)),
        "pca_vs_original_ari": float(adjusted_rand_score(labels, pca_labels)),
        "dbscan_clusters": dbscan_clusters,
        "dbscan_noise_share": float((dbscan_labels == -1).mean()),
        "smallest_cluster": int(profiles["customers"].min()),
    }
    for k_value, row in scan.iterrows():
        metrics[f"silhouette_k{k_value}"] = float(row["silhouette"])
        metrics[f"inertia_k{k_value}"] = float(row["inertia"])
    for row in profiles.to_dict("records"):
        metrics[f"cluster{row['cluster']}_profile"] = f"{row['customers']} customers: {row['in words']}"

    save_model(
        model,
        out_dir / MODEL_FILE,
        {
            "seed": seed,
            "fast": fast,
            "datasets": ["mall_customers"],
            "input_columns": FEATURES,
            "metrics": {"silhouette": metrics["silhouette"], "n_clusters": k},
        },
    )
    write_model_card(out_dir, metrics, profiles, seconds=time.perf_counter() - started)
    return metrics


def write_model_card(out_dir: Path, metrics: dict, profiles: pd.DataFrame, *, seconds: float) -> None:
    render_model_card(
        out_dir,
        title="Mall customer segments (week 8)",
        metrics={
            k: metrics[k]
            for k in (
                "n_clusters",
                "silhouette",
                "stability_ari_min",
                "pca_silhouette_2d",
                "dbscan_clusters",
                "dbscan_noise_share",
            )
        },
        hardware=f"{hardware_summary()}; whole run {seconds:.0f} s",
        model_details=f"Standardised age, income and spending score → K-Means with k = {metrics['n_clusters']} "
        "(highest silhouette over k = 2..10), scikit-learn; saved as `model.skops`.",
        intended_use="Teaching unsupervised learning and how to choose and question k. Segments are a "
        "starting point for questions, not facts about customers.",
        factors="Gender is excluded from the features and only reported per cluster: "
        + markdown_table(profiles[["cluster", "customers", "share women"]].to_dict("records")),
        evaluation_data="No labels exist: quality is internal (silhouette), stability across 5 seeds, and "
        "agreement with clustering on PCA components and with DBSCAN.",
        training_data="Mall Customers (200 rows, synthetic teaching data from Kaggle; licence not stated).",
        ethical_considerations="Segmenting people for marketing can target vulnerable groups (e.g. pushing "
        "credit to low-income, high-spending customers) and needs a lawful basis and consent for the "
        "personal data behind it (GDPR art. 6, 21). Profiles are described by numbers, not labels.",
        caveats="200 synthetic rows; K-Means assumes round clusters of similar size; a different feature "
        "set or scaling gives different segments; clusters always exist even when the data has no groups.",
    )


def report(metrics: dict) -> str:
    """Markdown for the README results block."""
    scan = [{"k": k, "inertia": metrics[f"inertia_k{k}"], "silhouette": metrics[f"silhouette_k{k}"]} for k in K_RANGE]
    profiles = "\n".join(f"- cluster {i}: {metrics[f'cluster{i}_profile']}" for i in range(metrics["n_clusters"]))
    return (
        f"Chosen k = **{metrics['n_clusters']}** (highest silhouette, {metrics['silhouette']:.3f}); "
        f"lowest adjusted Rand index across {STABILITY_SEEDS} seeds: {metrics['stability_ari_min']:.3f}. "
        f"PCA: PC1 explains {metrics['pca_explained_variance_pc1']:.1%}, PC2 "
        f"{metrics['pca_explained_variance_pc2']:.1%}; K-Means on the 2 components agrees with the original "
        f"clustering at ARI {metrics['pca_vs_original_ari']:.2f}. DBSCAN (eps 0.5) finds "
        f"{metrics['dbscan_clusters']} clusters and calls {metrics['dbscan_noise_share']:.0%} of customers noise.\n\n"
        + markdown_table(scan)
        + "\n\nProfiles (relative to all 200 customers):\n\n"
        + profiles
    )
