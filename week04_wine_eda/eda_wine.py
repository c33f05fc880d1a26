"""Week 4: exploratory analysis of the UCI Wine Quality data (Cortez et al. 2009), red and white together.

Top to bottom: load both files with a `type` column → report and drop exact duplicates → assert no
missing values → descriptive statistics → five+ figures → Welch's t-tests red vs white with effect sizes.
The data is small (6,497 rows), so `fast=True` does the same work; it only skips the KDE curves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from shared.data import load_wine
from shared.errors import DataError
from shared.plotting import apply_style, save_figure, subplots
from shared.results import markdown_table
from shared.targets import Target

TARGETS = [
    Target("n_figures", ">=", 5, "curriculum: at least five figures"),
    Target("missing_after_cleaning", "<=", 0, "curriculum: no missing values after cleaning"),
]
HEADLINE = "corr_alcohol_quality"

FEATURES = [
    "fixed acidity", "volatile acidity", "citric acid", "residual sugar", "chlorides", "free sulfur dioxide",
    "total sulfur dioxide", "density", "pH", "sulphates", "alcohol",
]  # fmt: skip
TESTED = ["alcohol", "volatile acidity", "residual sugar", "total sulfur dioxide", "quality"]
TYPE_COLORS = {"red": "#C44E52", "white": "#DDB86C"}


# --- data -----------------------------------------------------------------------------------------


def load_combined(red_path: Path | None = None, white_path: Path | None = None) -> pd.DataFrame:
    """Both files stacked, with a categorical `type` column ('red' / 'white')."""
    frames = []
    for kind, path in (("red", red_path), ("white", white_path)):
        frame = load_wine(kind, path)
        missing = [c for c in FEATURES if c not in frame.columns]
        if missing:
            raise DataError(f"{kind} wine file is missing column(s) {missing}; is it semicolon-separated?")
        frames.append(frame.assign(type=kind))
    combined = pd.concat(frames, ignore_index=True)
    combined["type"] = pd.Categorical(combined["type"], categories=["red", "white"])
    return combined


def duplicate_counts(df: pd.DataFrame) -> dict[str, int]:
    """Exact duplicate rows (every measurement and the quality equal) per wine type."""
    dups = df.duplicated()
    return {f"duplicates_{kind}": int(dups[df["type"] == kind].sum()) for kind in ("red", "white")}


def clean_wine(df: pd.DataFrame) -> pd.DataFrame:
    """Drop exact duplicate rows, then insist there is nothing missing.

    Why drop: an exact match on eleven lab measurements recorded to 3-4 significant digits is far more
    likely the same sample entered twice than two different wines. Kept, they would over-weight those
    wines in every statistic and, in a later model, leak between training and test splits.
    `type` is part of the comparison, so a red and a white wine are never merged.
    """
    out = df.drop_duplicates().reset_index(drop=True)
    missing = out[FEATURES + ["quality"]].isna().sum()
    if missing.any():
        raise DataError(f"wine data has missing values after cleaning: {missing[missing > 0].to_dict()}")
    return out


# --- statistics -----------------------------------------------------------------------------------


def cohens_d(a: pd.Series, b: pd.Series) -> float:
    """Standardised mean difference (a − b) / sqrt((s_a² + s_b²) / 2): the "average variance" form, which
    does not assume equal variances (Welch's test does not either)."""
    return float((a.mean() - b.mean()) / np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2))


def welch_tests(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Welch's t-test red vs white for each column, with Cohen's d. One row per column."""
    red, white = df[df["type"] == "red"], df[df["type"] == "white"]
    rows = []
    for column in columns:
        result = stats.ttest_ind(red[column], white[column], equal_var=False)
        rows.append(
            {
                "property": column,
                "mean_red": float(red[column].mean()),
                "mean_white": float(white[column].mean()),
                "t": float(result.statistic),
                "p": float(result.pvalue),
                "d": cohens_d(red[column], white[column]),
            }
        )
    return pd.DataFrame(rows)


def quality_correlations(df: pd.DataFrame) -> pd.Series:
    """Pearson correlation of each feature with quality, strongest (by absolute value) first."""
    corr = df[FEATURES].corrwith(df["quality"])
    return corr.reindex(corr.abs().sort_values(ascending=False).index)


# --- figures --------------------------------------------------------------------------------------


def plot_quality_counts(df: pd.DataFrame, out_dir: Path) -> Path:
    """Class imbalance: most wines are 5 or 6; 3s and 9s are a handful."""
    counts = df.groupby(["quality", "type"], observed=False).size().unstack(fill_value=0)
    fig, ax = subplots()
    counts.plot.bar(ax=ax, color=[TYPE_COLORS[c] for c in counts.columns], rot=0)
    for container in ax.containers:
        ax.bar_label(container, fontsize=7)
    ax.set_ylabel("wines")
    ax.set_title("Quality scores: strongly imbalanced")
    return save_figure(fig, out_dir, "quality_counts")


def plot_distributions(df: pd.DataFrame, out_dir: Path, kde: bool) -> Path:
    import seaborn as sns

    apply_style()
    fig, axes = subplots(3, 4, figsize=(15, 9))
    for ax, column in zip(axes.flat, FEATURES + ["quality"], strict=True):
        sns.histplot(data=df, x=column, hue="type", palette=TYPE_COLORS, stat="density", common_norm=False,
                     element="step", kde=kde, discrete=column == "quality", ax=ax,
                     legend=column == "alcohol")  # fmt: skip
        ax.set_ylabel("")
    fig.suptitle("Distributions by wine type (each type normalised separately)")
    fig.tight_layout()
    return save_figure(fig, out_dir, "distributions")


def plot_boxes_by_quality(df: pd.DataFrame, out_dir: Path) -> Path:
    import seaborn as sns

    columns = ["alcohol", "volatile acidity", "density", "sulphates"]
    fig, axes = subplots(2, 2, figsize=(12, 8))
    for ax, column in zip(axes.flat, columns, strict=True):
        sns.boxplot(data=df, x="quality", y=column, hue="type", palette=TYPE_COLORS, fliersize=1.5, ax=ax,
                    legend=column == "alcohol")  # fmt: skip
        ax.set_title(column)
    fig.suptitle("Properties by quality score")
    fig.tight_layout()
    return save_figure(fig, out_dir, "boxplots_by_quality")


def plot_correlations(df: pd.DataFrame, out_dir: Path) -> Path:
    import seaborn as sns

    fig, axes = subplots(1, 2, figsize=(16, 7))
    for ax, kind in zip(axes, ("red", "white"), strict=True):
        corr = df.loc[df["type"] == kind, FEATURES + ["quality"]].corr()
        sns.heatmap(corr, ax=ax, cmap="vlag", vmin=-1, vmax=1, annot=True, fmt=".2f", annot_kws={"size": 6},
                    cbar=kind == "white", square=True)  # fmt: skip
        ax.set_title(f"{kind} wine: Pearson correlation")
    fig.tight_layout()
    return save_figure(fig, out_dir, "correlation_heatmap")


def plot_red_vs_white(tests: pd.DataFrame, df: pd.DataFrame, out_dir: Path) -> Path:
    """Left: effect sizes of the tested differences. Right: the largest one, shown as distributions."""
    import seaborn as sns

    fig, (left, right) = subplots(1, 2, figsize=(12, 4.5))
    left.barh(tests["property"], tests["d"], color=[TYPE_COLORS["red" if d > 0 else "white"] for d in tests["d"]])
    for threshold in (-0.8, -0.5, -0.2, 0.2, 0.5, 0.8):
        left.axvline(threshold, color="grey", lw=0.6, ls=":")
    left.set_xlabel("Cohen's d (red − white); dotted: 0.2 / 0.5 / 0.8")
    left.set_title("Red vs white: effect sizes")
    biggest = str(tests.loc[tests["d"].abs().idxmax(), "property"])
    sns.violinplot(data=df, x="type", y=biggest, hue="type", palette=TYPE_COLORS, ax=right, legend=False)
    right.set_title(f"largest difference: {biggest}")
    return save_figure(fig, out_dir, "red_vs_white")


def plot_alcohol_quality(df: pd.DataFrame, out_dir: Path) -> Path:
    """The strongest single relation with quality, with jitter so 6,000 points on 7 levels stay visible."""
    rng = np.random.default_rng(0)  # jitter only moves dots on the picture; fixed so the PNG is stable
    fig, ax = subplots()
    for kind, color in TYPE_COLORS.items():
        part = df[df["type"] == kind]
        ax.scatter(part["alcohol"], part["quality"] + rng.uniform(-0.25, 0.25, len(part)), s=4, alpha=0.35,
                   color=color, label=kind)  # fmt: skip
    ax.set_xlabel("alcohol (% vol)")
    ax.set_ylabel("quality (jittered)")
    ax.set_title("Alcohol vs quality")
    ax.legend(markerscale=4)
    return save_figure(fig, out_dir, "alcohol_vs_quality")


# --- the run --------------------------------------------------------------------------------------


def run(
    out_dir: Path, fast: bool = False, seed: int = 42, red_path: Path | None = None, white_path: Path | None = None
) -> dict[str, Any]:
    """Combine, de-duplicate, describe, plot and test the wine data."""
    out_dir = Path(out_dir)
    raw = load_combined(red_path, white_path)
    duplicates = duplicate_counts(raw)
    wine = clean_wine(raw)
    wine.groupby("type", observed=True)[FEATURES + ["quality"]].describe().T.to_csv(out_dir / "describe_by_type.csv")

    tests = welch_tests(wine, TESTED)
    tests.to_csv(out_dir / "welch_tests.csv", index=False)
    corr = quality_correlations(wine)
    figures = [
        plot_quality_counts(wine, out_dir),
        plot_distributions(wine, out_dir, kde=not fast),
        plot_boxes_by_quality(wine, out_dir),
        plot_correlations(wine, out_dir),
        plot_red_vs_white(tests, wine, out_dir),
        plot_alcohol_quality(wine, out_dir),
    ]

    metrics: dict[str, Any] = {
        "rows_raw": len(raw),
        **duplicates,
        "duplicate_pct": 100 * (len(raw) - len(wine)) / len(raw),
        "rows_clean": len(wine),
        "n_red": int((wine["type"] == "red").sum()),
        "n_white": int((wine["type"] == "white").sum()),
        "missing_after_cleaning": int(wine.isna().sum().sum()),
        "mean_quality_raw": float(raw["quality"].mean()),
        "mean_quality_clean": float(wine["quality"].mean()),
        "corr_alcohol_quality": float(corr["alcohol"]),
        "corr_volatile_acidity_quality": float(corr["volatile acidity"]),
        "corr_density_quality": float(corr["density"]),
        "n_figures": len(figures),
    }
    for quality in range(3, 10):
        for kind in ("red", "white"):
            metrics[f"quality_{quality}_{kind}"] = int(((wine["quality"] == quality) & (wine["type"] == kind)).sum())
    for row in tests.itertuples(index=False):
        key = row.property.replace(" ", "_")
        metrics |= {f"{key}_mean_red": row.mean_red, f"{key}_mean_white": row.mean_white,
                    f"{key}_welch_t": row.t, f"{key}_welch_p": row.p, f"{key}_cohens_d": row.d}  # fmt: skip
    return metrics


def report(metrics: dict[str, Any]) -> str:
    m = metrics
    correlations = " / ".join(
        f"{m[key]:.2f}" for key in ("corr_alcohol_quality", "corr_volatile_acidity_quality", "corr_density_quality")
    )
    data = markdown_table(
        [
            {"measure": "rows (red + white)", "value": m["rows_raw"]},
            {
                "measure": "exact duplicates red / white (dropped)",
                "value": f"{m['duplicates_red']} / {m['duplicates_white']} ({m['duplicate_pct']:.1f}%)",
            },
            {
                "measure": "rows after cleaning (red / white)",
                "value": f"{m['rows_clean']} ({m['n_red']} / {m['n_white']})",
            },
            {"measure": "missing values after cleaning", "value": m["missing_after_cleaning"]},
            {
                "measure": "mean quality with / without duplicates",
                "value": f"{m['mean_quality_raw']:.3f} / {m['mean_quality_clean']:.3f}",
            },
            {"measure": "correlation with quality: alcohol / volatile acidity / density", "value": correlations},
            {"measure": "figures", "value": m["n_figures"]},
        ]
    )
    quality = markdown_table(
        [{"quality": q, "red": m[f"quality_{q}_red"], "white": m[f"quality_{q}_white"]} for q in range(3, 10)]
    )
    tests = markdown_table(
        [
            {
                "property": name,
                "mean red": f"{m[f'{key}_mean_red']:.3g}",
                "mean white": f"{m[f'{key}_mean_white']:.3g}",
                "Welch t": f"{m[f'{key}_welch_t']:.1f}",
                "p": _format_p(m[f"{key}_welch_p"]),
                "Cohen's d": f"{m[f'{key}_cohens_d']:.2f}",
            }
            for name, key in ((n, n.replace(" ", "_")) for n in TESTED)
        ]
    )
    return f"{data}\n\nQuality scores after cleaning:\n\n{quality}\n\nRed vs white (Welch's t-test):\n\n{tests}"


def _format_p(p: float) -> str:
    """A p-value below the smallest positive double prints as 0; say what that means instead."""
    return "< 1e-300" if p < 1e-300 else f"{p:.1e}"
