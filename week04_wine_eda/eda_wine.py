"""Week 4: exploratory analysis of the UCI Wine Quality data (Cortez et al. 2009), red and white together.

Read top-down: Config → load both files with a `type` column → find and drop exact duplicates, check nothing is
missing → describe → which properties go with quality (correlations with 95% intervals) → how red and white differ
(Welch's t-test, the difference in means with its interval, Cohen's d) → figures → `run()`, the same steps as the
notebook in one script. The data is small (6,497 rows): fast mode does the same work and only skips the KDE curves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from shared.data import load_wine
from shared.errors import DataError
from shared.plotting import apply_style, save_figure, subplots
from shared.result import Result
from shared.targets import Target

# An exploratory analysis has no bar to clear. The checks on our own work (nothing missing after cleaning, the
# figures drawn) are tests in tests/, not targets.
TARGETS: list[Target] = []
HEADLINE = ("corr_alcohol_quality",)


@dataclass(frozen=True, kw_only=True)
class Config:
    """Every knob of the analysis. Nothing is trained or tuned."""

    kde: bool = True  # draw smoothed density curves over the histograms (the slowest part of the slowest figure)


FAST = Config(kde=False)  # the same statistics and figures, histograms without KDE curves

FEATURES = [
    "fixed acidity", "volatile acidity", "citric acid", "residual sugar", "chlorides", "free sulfur dioxide",
    "total sulfur dioxide", "density", "pH", "sulphates", "alcohol",
]  # fmt: skip
TESTED = ["alcohol", "volatile acidity", "residual sugar", "total sulfur dioxide", "quality"]  # red vs white
TYPE_COLORS = {"red": "#C44E52", "white": "#DDB86C"}


# --- 1. load and clean ----------------------------------------------------------------------------------


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


# --- 2. describe ----------------------------------------------------------------------------------------


def describe_by_type(wine: pd.DataFrame) -> pd.DataFrame:
    """count, mean, std, min, quartiles and max of every column, red and white side by side."""
    described = wine.groupby("type", observed=True)[FEATURES + ["quality"]].describe().T
    return described.rename_axis(["property", "statistic"]).reset_index()


def quality_counts(wine: pd.DataFrame) -> pd.DataFrame:
    """Wines per quality score and type: the class imbalance any model of this data will face."""
    counts = wine.groupby(["quality", "type"], observed=False).size().unstack(fill_value=0)
    return counts.rename_axis(columns=None).reset_index()


# --- 3. what goes with quality: correlations with intervals ---------------------------------------------


def pearson_with_ci(x: pd.Series, y: pd.Series) -> tuple[float, float, float]:
    """Pearson's r with its 95% interval (Fisher z-transform, `scipy.stats.pearsonr`)."""
    result = stats.pearsonr(x, y)
    interval = result.confidence_interval(0.95)
    return float(result.statistic), float(interval.low), float(interval.high)


def quality_correlations(wine: pd.DataFrame) -> pd.DataFrame:
    """Each feature's correlation with quality: pooled with its 95% interval, and within each type.

    Within-type columns matter: a correlation in the pooled data can come from the difference between red and
    white alone (Simpson's paradox); one that holds within both types cannot.
    """
    rows = []
    for feature in FEATURES:
        r, low, high = pearson_with_ci(wine[feature], wine["quality"])
        within = {f"r_{kind}": float(part[feature].corr(part["quality"]))
                  for kind, part in wine.groupby("type", observed=True)}  # fmt: skip
        rows.append({"feature": feature, "r": r, "ci_low": low, "ci_high": high, **within})
    table = pd.DataFrame(rows)
    return table.reindex(table["r"].abs().sort_values(ascending=False).index).reset_index(drop=True)


# --- 4. how red and white differ ------------------------------------------------------------------------


def cohens_d(a: pd.Series, b: pd.Series) -> float:
    """Standardised mean difference (a − b) / sqrt((s_a² + s_b²) / 2): the "average variance" form, which
    does not assume equal variances (Welch's test does not either)."""
    return float((a.mean() - b.mean()) / np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2))


def welch_tests(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Welch's t-test red vs white for each column: the difference in means with its 95% interval, t, p and
    Cohen's d. One row per column."""
    red, white = df[df["type"] == "red"], df[df["type"] == "white"]
    rows = []
    for column in columns:
        result = stats.ttest_ind(red[column], white[column], equal_var=False)
        interval = result.confidence_interval(0.95)
        rows.append(
            {
                "property": column,
                "mean_red": float(red[column].mean()),
                "mean_white": float(white[column].mean()),
                "diff": float(red[column].mean() - white[column].mean()),
                "diff_ci_low": float(interval.low),
                "diff_ci_high": float(interval.high),
                "t": float(result.statistic),
                "p": float(result.pvalue),
                "d": cohens_d(red[column], white[column]),
            }
        )
    return pd.DataFrame(rows)


# --- 5. figures (each returns its Figure; saving is a separate step) -------------------------------------


def plot_quality_counts(counts: pd.DataFrame) -> Figure:
    """Class imbalance: most wines are 5 or 6; 3s and 9s are a handful."""
    fig, ax = subplots()
    counts.set_index("quality").plot.bar(ax=ax, color=[TYPE_COLORS[c] for c in ("red", "white")], rot=0)
    for container in ax.containers:
        ax.bar_label(container, fontsize=7)
    ax.set_ylabel("wines")
    ax.set_title("Quality scores: strongly imbalanced")
    return fig


def plot_distributions(wine: pd.DataFrame, kde: bool) -> Figure:
    """Every column's histogram, red and white each normalised separately."""
    import seaborn as sns

    apply_style()
    fig, axes = subplots(3, 4, figsize=(15, 9))
    for ax, column in zip(axes.flat, FEATURES + ["quality"], strict=True):
        sns.histplot(data=wine, x=column, hue="type", palette=TYPE_COLORS, stat="density", common_norm=False,
                     element="step", kde=kde, discrete=column == "quality", ax=ax,
                     legend=column == "alcohol")  # fmt: skip
        ax.set_ylabel("")
    fig.suptitle("Distributions by wine type (each type normalised separately)")
    fig.tight_layout()
    return fig


def plot_boxes_by_quality(wine: pd.DataFrame) -> Figure:
    """The four properties most related to quality, per score and type."""
    import seaborn as sns

    columns = ["alcohol", "volatile acidity", "density", "sulphates"]
    fig, axes = subplots(2, 2, figsize=(12, 8))
    for ax, column in zip(axes.flat, columns, strict=True):
        sns.boxplot(data=wine, x="quality", y=column, hue="type", palette=TYPE_COLORS, fliersize=1.5, ax=ax,
                    legend=column == "alcohol")  # fmt: skip
        ax.set_title(column)
    fig.suptitle("Properties by quality score")
    fig.tight_layout()
    return fig


def plot_correlations(wine: pd.DataFrame) -> Figure:
    """Pearson correlation heat maps, one per type."""
    import seaborn as sns

    fig, axes = subplots(1, 2, figsize=(16, 7))
    for ax, kind in zip(axes, ("red", "white"), strict=True):
        corr = wine.loc[wine["type"] == kind, FEATURES + ["quality"]].corr()
        sns.heatmap(corr, ax=ax, cmap="vlag", vmin=-1, vmax=1, annot=True, fmt=".2f", annot_kws={"size": 6},
                    cbar=kind == "white", square=True)  # fmt: skip
        ax.set_title(f"{kind} wine: Pearson correlation")
    fig.tight_layout()
    return fig


def plot_red_vs_white(tests: pd.DataFrame, wine: pd.DataFrame) -> Figure:
    """Left: effect sizes of the tested differences. Right: the largest one, shown as distributions."""
    import seaborn as sns

    fig, (left, right) = subplots(1, 2, figsize=(12, 4.5))
    left.barh(tests["property"], tests["d"], color=[TYPE_COLORS["red" if d > 0 else "white"] for d in tests["d"]])
    for threshold in (-0.8, -0.5, -0.2, 0.2, 0.5, 0.8):
        left.axvline(threshold, color="grey", lw=0.6, ls=":")
    left.set_xlabel("Cohen's d (red − white); dotted: 0.2 / 0.5 / 0.8")
    left.set_title("Red vs white: effect sizes")
    biggest = str(tests.loc[tests["d"].abs().idxmax(), "property"])
    sns.violinplot(data=wine, x="type", y=biggest, hue="type", palette=TYPE_COLORS, ax=right, legend=False)
    right.set_title(f"largest difference: {biggest}")
    return fig


def plot_alcohol_quality(wine: pd.DataFrame, seed: int) -> Figure:
    """The strongest single relation with quality, with jitter so 5,000 points on 7 levels stay visible.
    The jitter only moves dots on the picture; it is seeded so the figure is the same on every run."""
    rng = np.random.default_rng(seed)
    fig, ax = subplots()
    for kind, color in TYPE_COLORS.items():
        part = wine[wine["type"] == kind]
        ax.scatter(part["alcohol"], part["quality"] + rng.uniform(-0.25, 0.25, len(part)), s=4, alpha=0.35,
                   color=color, label=kind)  # fmt: skip
    ax.set_xlabel("alcohol (% vol)")
    ax.set_ylabel("quality (jittered)")
    ax.set_title("Alcohol vs quality")
    ax.legend(markerscale=4)
    return fig


# --- the run: the same steps as the notebook -------------------------------------------------------------


def run(out_dir: Path, fast: bool = False, seed: int = 42) -> Result:
    """Combine, de-duplicate, describe, correlate, compare red with white, and draw the figures."""
    config = FAST if fast else Config()
    out_dir = Path(out_dir)

    raw = load_combined()
    duplicates = duplicate_counts(raw)
    wine = clean_wine(raw)
    counts = quality_counts(wine)
    correlations = quality_correlations(wine)
    tests = welch_tests(wine, TESTED)

    figures = {
        "quality_counts": plot_quality_counts(counts),
        "distributions": plot_distributions(wine, kde=config.kde),
        "boxplots_by_quality": plot_boxes_by_quality(wine),
        "correlation_heatmap": plot_correlations(wine),
        "red_vs_white": plot_red_vs_white(tests, wine),
        "alcohol_vs_quality": plot_alcohol_quality(wine, seed),
    }
    paths = [save_figure(fig, out_dir, name) for name, fig in figures.items()]

    alcohol = correlations.set_index("feature").loc["alcohol"]
    metrics = {
        "rows_raw": len(raw),
        **duplicates,
        "duplicate_share": (len(raw) - len(wine)) / len(raw),
        "rows_clean": len(wine),
        "n_red": int((wine["type"] == "red").sum()),
        "n_white": int((wine["type"] == "white").sum()),
        "mean_quality_raw": float(raw["quality"].mean()),
        "mean_quality_clean": float(wine["quality"].mean()),
        "corr_alcohol_quality": alcohol["r"],
        "corr_alcohol_quality_ci_low": alcohol["ci_low"],
        "corr_alcohol_quality_ci_high": alcohol["ci_high"],
    }
    tables = {
        "quality_counts": counts,
        "quality_correlations": correlations,
        "welch_tests": tests,
        "describe_by_type": describe_by_type(wine),
    }
    return Result(metrics=metrics, tables=tables, figures=paths)
