"""Capstone 1: an end-to-end data analysis report on the SIIM-ISIC 2020 melanoma training metadata.

Read top-down: Config → load (with a column check) → clean the gaps in sex / age / site without dropping a row →
how many images, patients, malignant lesions → an interval that respects the data's structure (several images
per patient, so resample patients, not images) → malignancy rate per group → what a modeller must know (class
imbalance; patient leakage between an image-level train/test split) → figures → `run()`, the same steps as the
notebook in one script. 33,126 rows take about a second; fast mode only draws fewer bootstrap resamples.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from capstones.c1_melanoma_eda.data import load_melanoma_metadata
from shared.errors import DataError
from shared.plotting import save_figure, subplots
from shared.result import Result
from shared.stats import proportion_ci
from shared.targets import Target

# A data report has no bar to clear. The checks on our own work (no row dropped, no patient on both sides of the
# grouped split, the figures drawn) are tests in tests/, not targets.
TARGETS: list[Target] = []
HEADLINE = ("malignant_rate", "patients_with_malignant_rate")


@dataclass(frozen=True, kw_only=True)
class Config:
    """Every knob of the report. Nothing is trained or tuned."""

    bootstrap_resamples: int = 5000  # patient-level bootstrap resamples for the headline interval (~1 s)
    test_size: float = 0.2  # share of the data held out in the split-leakage demonstration


FAST = Config(bootstrap_resamples=500)  # the same report; the bootstrap interval is a little noisier

UNKNOWN = "unknown"
AGE_BINS = [0, 30, 40, 50, 60, 70, 80, 120]
AGE_LABELS = ["<30", "30-39", "40-49", "50-59", "60-69", "70-79", "80+"]


# --- 1. load and clean ----------------------------------------------------------------------------------


def load(path: Path | None = None) -> pd.DataFrame:
    """The ground-truth CSV, checked against its sha256 and its columns."""
    return load_melanoma_metadata(path)


def clean_metadata(df: pd.DataFrame) -> pd.DataFrame:
    """Make every gap explicit instead of dropping rows: sex and site → "unknown", age kept as NaN with
    age band "unknown".

    Why not impute: age is already rounded to 5 years and sex/site are missing for under 2% of images;
    an "unknown" level keeps those images (and their labels) and lets us check whether missingness
    itself goes with malignancy. Also checks that `target` and `benign_malignant` agree.
    """
    out = df.copy()
    labels = out["benign_malignant"].map({"benign": 0, "malignant": 1})
    if labels.isna().any() or not (labels == out["target"]).all():
        raise DataError("melanoma metadata: `target` must be 0/1 and agree with `benign_malignant` on every row")
    for column in ("sex", "anatom_site_general_challenge"):
        out[column] = out[column].astype("string").fillna(UNKNOWN).astype("category")
    band = pd.cut(out["age_approx"], bins=AGE_BINS, labels=AGE_LABELS, right=False)
    out["age_band"] = pd.Categorical(band.astype("string").fillna(UNKNOWN), categories=[*AGE_LABELS, UNKNOWN])
    return out.rename(columns={"anatom_site_general_challenge": "site"})


def missing_counts(raw: pd.DataFrame) -> pd.DataFrame:
    """Missing values per column of the raw file (only columns that have any)."""
    counts = raw.isna().sum()
    return counts[counts > 0].rename_axis("column").reset_index(name="missing")


# --- 2. how many images, patients, malignant lesions, and how sure are we ----------------------------------


def per_patient(meta: pd.DataFrame) -> pd.DataFrame:
    """One row per patient: images, malignant images."""
    return meta.groupby("patient_id")["target"].agg(images="size", malignant="sum")


def patient_bootstrap_ci(patients: pd.DataFrame, resamples: int, seed: int) -> tuple[float, float]:
    """95% interval for the share of malignant *images*, resampling *patients* (a cluster bootstrap).

    A Wilson interval on 33,126 images assumes 33,126 independent draws, but images of the same patient share
    skin, camera and diagnosis habits: the data holds fewer independent pieces of information than images.
    Drawing whole patients with replacement and recomputing malignant images / images keeps each patient's
    images together, so the interval reflects how much the rate would move with another sample of patients.
    """
    result = stats.bootstrap(
        (patients["malignant"].to_numpy(), patients["images"].to_numpy()),
        lambda malignant, images, axis: malignant.sum(axis=axis) / images.sum(axis=axis),
        paired=True,  # a patient's malignant count and image count are drawn together
        vectorized=True,
        n_resamples=resamples,
        method="percentile",
        rng=np.random.default_rng(seed),
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def prevalence_intervals(meta: pd.DataFrame, patients: pd.DataFrame, resamples: int, seed: int) -> pd.DataFrame:
    """The share of malignant images with two intervals, side by side: the naive one and the honest one."""
    wilson = proportion_ci(int(meta["target"].sum()), len(meta))
    bootstrap = patient_bootstrap_ci(patients, resamples, seed)
    return pd.DataFrame(
        [
            {"method": "Wilson, images as independent", "ci_low": wilson[0], "ci_high": wilson[1]},
            {"method": "bootstrap over patients", "ci_low": bootstrap[0], "ci_high": bootstrap[1]},
        ]
    ).assign(width=lambda t: t["ci_high"] - t["ci_low"])


# --- 3. malignancy rate per group ---------------------------------------------------------------------------


def malignancy_table(df: pd.DataFrame, by: str) -> pd.DataFrame:
    """Images, malignant images and malignancy rate per group, with a 95% Wilson interval (images treated as
    independent: see `prevalence_intervals` for how much narrower that makes it)."""
    table = df.groupby(by, observed=True)["target"].agg(n="size", malignant="sum").reset_index()
    table["rate"] = table["malignant"] / table["n"]
    intervals = [proportion_ci(int(k), int(n)) for k, n in zip(table["malignant"], table["n"], strict=True)]
    table["ci_low"], table["ci_high"] = zip(*intervals, strict=True)
    return table


# --- 4. what a modeller must know: patient leakage in an image-level split ----------------------------------


def split_leakage(df: pd.DataFrame, seed: int, test_size: float = 0.2) -> pd.DataFrame:
    """Compare a naive image-level split with a patient-level (grouped) split, one row each.

    A model that has seen other images of the same patient's skin can recognise the patient instead of
    the lesion; with an image-level split that inflates test scores. The grouped split makes it impossible.
    """
    from sklearn.model_selection import GroupShuffleSplit, train_test_split

    by_image = train_test_split(np.arange(len(df)), test_size=test_size, random_state=seed)
    by_patient = next(
        GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=seed).split(df, groups=df["patient_id"])
    )
    rows = []
    for name, (train, test) in (("random, by image", by_image), ("grouped, by patient", by_patient)):
        train_patients = set(df["patient_id"].iloc[train])
        test_patients = df["patient_id"].iloc[test]
        rows.append(
            {
                "split": name,
                "test_images": len(test),
                "patients_in_both": len(train_patients & set(test_patients)),
                "leaked_test_images": float(test_patients.isin(train_patients).mean()),
                "train_malignant_rate": float(df["target"].iloc[train].mean()),
                "test_malignant_rate": float(df["target"].iloc[test].mean()),
            }
        )
    return pd.DataFrame(rows)


# --- 5. figures (each returns its Figure; saving is a separate step) -----------------------------------------


def plot_age(meta: pd.DataFrame) -> Figure:
    """Age distribution of benign and malignant images, each normalised separately."""
    import seaborn as sns

    fig, ax = subplots()
    data = meta.dropna(subset=["age_approx"])
    sns.histplot(data=data, x="age_approx", hue="benign_malignant", stat="density", common_norm=False, discrete=True,
                 element="step", ax=ax)  # fmt: skip
    ax.set_xlabel("approximate age (rounded to 5 years)")
    ax.set_title("Age distribution, benign vs malignant (each normalised)")
    return fig


def plot_counts_and_rate(table: pd.DataFrame, column: str, title: str) -> Figure:
    """Images per group (left) and malignancy rate with 95% CI (right): frequency and risk are different."""
    fig, (left, right) = subplots(1, 2, figsize=(12, 4.5))
    labels = [str(v) for v in table[column]]
    left.barh(labels, table["n"], color="#4C72B0")
    left.set_xlabel("images")
    left.invert_yaxis()
    errors = [100 * (table["rate"] - table["ci_low"]), 100 * (table["ci_high"] - table["rate"])]
    right.errorbar(100 * table["rate"], labels, xerr=errors, fmt="o", color="#C44E52", capsize=3)
    right.set_xlabel("malignant % (95% CI)")
    right.invert_yaxis()
    fig.suptitle(title)
    return fig


def plot_class_balance(meta: pd.DataFrame) -> Figure:
    counts = meta["benign_malignant"].value_counts()
    fig, ax = subplots(figsize=(6, 4))
    bars = ax.bar(counts.index, counts.values, color=["#4C72B0", "#C44E52"])
    ax.bar_label(bars, labels=[f"{v:,} ({100 * v / len(meta):.1f}%)" for v in counts.values])
    ax.set_ylabel("images")
    ax.set_title("Benign vs malignant: extreme imbalance")
    return fig


def plot_age_band_rate(table: pd.DataFrame) -> Figure:
    known = table[table["age_band"] != UNKNOWN]
    fig, ax = subplots()
    errors = [100 * (known["rate"] - known["ci_low"]), 100 * (known["ci_high"] - known["rate"])]
    ax.errorbar(known["age_band"].astype(str), 100 * known["rate"], yerr=errors, fmt="o-", capsize=4, color="#C44E52")
    for x, n in zip(known["age_band"].astype(str), known["n"], strict=True):
        ax.annotate(f"n={n:,}", (x, 0), textcoords="offset points", xytext=(0, 4), ha="center", fontsize=7)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("age band")
    ax.set_ylabel("malignant % (95% CI)")
    ax.set_title("Malignancy rate rises with age")
    return fig


def plot_images_per_patient(patients: pd.DataFrame) -> Figure:
    images = patients["images"]
    fig, ax = subplots()
    ax.hist(images, bins=range(1, int(images.max()) + 2), color="#8172B3")
    ax.set_xlabel("images per patient")
    ax.set_ylabel("patients")
    ax.set_title("Several images per patient: split by patient, not by image")
    return fig


# --- the run: the same steps as the notebook -------------------------------------------------------------


def run(out_dir: Path, fast: bool = False, seed: int = 42) -> Result:
    """Clean the metadata, summarise it with honest intervals, measure the split leakage, draw the figures."""
    config = FAST if fast else Config()
    out_dir = Path(out_dir)

    raw = load()
    meta = clean_metadata(raw)
    patients = per_patient(meta)
    intervals = prevalence_intervals(meta, patients, config.bootstrap_resamples, seed)
    by_group = {
        "sex": malignancy_table(meta, "sex"),
        "site": malignancy_table(meta, "site").sort_values("n", ascending=False, ignore_index=True),
        "age_band": malignancy_table(meta, "age_band"),
    }
    leakage = split_leakage(meta, seed, config.test_size)

    figures = {
        "benign_vs_malignant": plot_class_balance(meta),
        "age_distribution": plot_age(meta),
        "sex": plot_counts_and_rate(by_group["sex"], "sex", "Sex: images and malignancy rate"),
        "anatomical_site": plot_counts_and_rate(by_group["site"], "site", "Anatomical site: images and rate"),
        "malignancy_by_age_band": plot_age_band_rate(by_group["age_band"]),
        "images_per_patient": plot_images_per_patient(patients),
    }
    paths = [save_figure(fig, out_dir, name) for name, fig in figures.items()]

    honest = intervals.set_index("method").loc["bootstrap over patients"]
    n_with_malignant = int((patients["malignant"] > 0).sum())
    patients_low, patients_high = proportion_ci(n_with_malignant, len(patients))  # patients are independent
    metrics = {
        "n_images": len(meta),
        "n_patients": len(patients),
        "images_per_patient_median": float(patients["images"].median()),
        "images_per_patient_max": int(patients["images"].max()),
        "n_malignant": int(meta["target"].sum()),
        "malignant_rate": float(meta["target"].mean()),
        "malignant_rate_ci_low": honest["ci_low"],
        "malignant_rate_ci_high": honest["ci_high"],
        "interval_widening": float(intervals["width"].iloc[1] / intervals["width"].iloc[0]),
        "benign_per_malignant": float((1 - meta["target"]).sum() / meta["target"].sum()),
        "n_patients_with_malignant": n_with_malignant,
        "patients_with_malignant_rate": n_with_malignant / len(patients),
        "patients_with_malignant_rate_ci_low": patients_low,
        "patients_with_malignant_rate_ci_high": patients_high,
        "age_median": float(meta["age_approx"].median()),
        "bootstrap_resamples": config.bootstrap_resamples,
    }
    tables = {
        "missing": missing_counts(raw),
        "prevalence_intervals": intervals,
        **{f"malignancy_by_{name}": table for name, table in by_group.items()},
        "split_leakage": leakage,
    }
    return Result(metrics=metrics, tables=tables, figures=paths)
