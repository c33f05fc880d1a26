"""Capstone 1: an end-to-end data analysis report on the SIIM-ISIC 2020 melanoma training metadata.

Top to bottom: load (with a column check) → clean the gaps in sex / age / site without dropping a row →
summary statistics → figures with confidence intervals → what a modeller must know (class imbalance;
several images per patient, hence split by patient) → numbers for the README report.
33,126 rows take well under a second to analyse, so `fast=True` does the same work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from shared.data import load_melanoma_metadata
from shared.errors import DataError
from shared.plotting import save_figure, subplots
from shared.results import markdown_table
from shared.stats import proportion_ci
from shared.targets import Target

TARGETS = [
    Target("n_figures", ">=", 5, "curriculum: the five required figures"),
    Target("group_split_shared_patients", "<=", 0, "our own bar: no patient in both splits"),
]
HEADLINE = "malignant_pct"

UNKNOWN = "unknown"
AGE_BINS = [0, 30, 40, 50, 60, 70, 80, 120]
AGE_LABELS = ["<30", "30-39", "40-49", "50-59", "60-69", "70-79", "80+"]
TEST_SIZE = 0.2


# --- clean ----------------------------------------------------------------------------------------


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


# --- statistics -----------------------------------------------------------------------------------


def malignancy_table(df: pd.DataFrame, by: str) -> pd.DataFrame:
    """Images, malignant images and malignancy rate per group, with a 95% Wilson interval."""
    table = df.groupby(by, observed=True)["target"].agg(n="size", malignant="sum").reset_index()
    table["rate"] = table["malignant"] / table["n"]
    intervals = [proportion_ci(int(k), int(n)) for k, n in zip(table["malignant"], table["n"], strict=True)]
    table["ci_low"], table["ci_high"] = zip(*intervals, strict=True)
    return table


def split_leakage(df: pd.DataFrame, seed: int, test_size: float = TEST_SIZE) -> dict[str, float | int]:
    """Compare a naive image-level split with a patient-level (grouped) split.

    A model that has seen other images of the same patient's skin can recognise the patient instead of
    the lesion; with an image-level split that inflates test scores. The grouped split makes it impossible.
    """
    from sklearn.model_selection import GroupShuffleSplit, train_test_split

    train_idx, test_idx = train_test_split(np.arange(len(df)), test_size=test_size, random_state=seed)
    train_patients = set(df["patient_id"].iloc[train_idx])
    test_patients = df["patient_id"].iloc[test_idx]
    leaked_images = test_patients.isin(train_patients)

    grouped = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=seed)
    g_train, g_test = next(grouped.split(df, groups=df["patient_id"]))
    shared = set(df["patient_id"].iloc[g_train]) & set(df["patient_id"].iloc[g_test])
    grouped_leaked = df["patient_id"].iloc[g_test].isin(set(df["patient_id"].iloc[g_train]))
    return {
        "random_split_shared_patients": len(train_patients & set(test_patients)),
        "random_split_test_patients": int(test_patients.nunique()),
        "random_split_leaked_test_images_pct": 100 * float(leaked_images.mean()),
        "group_split_shared_patients": len(shared),
        "group_split_test_images": len(g_test),
        "group_split_leaked_test_images_pct": 100 * float(grouped_leaked.mean()),
        "group_split_train_malignant_pct": 100 * float(df["target"].iloc[g_train].mean()),
        "group_split_test_malignant_pct": 100 * float(df["target"].iloc[g_test].mean()),
    }


# --- figures --------------------------------------------------------------------------------------


def plot_age(df: pd.DataFrame, out_dir: Path) -> Path:
    import seaborn as sns

    fig, ax = subplots()
    data = df.dropna(subset=["age_approx"]).assign(label=lambda d: d["benign_malignant"])
    sns.histplot(data=data, x="age_approx", hue="label", stat="density", common_norm=False, discrete=True,
                 element="step", ax=ax)  # fmt: skip
    ax.set_xlabel("approximate age (rounded to 5 years)")
    ax.set_title("Age distribution, benign vs malignant (each normalised)")
    return save_figure(fig, out_dir, "age_distribution")


def plot_counts_and_rate(table: pd.DataFrame, column: str, title: str, name: str, out_dir: Path) -> Path:
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
    return save_figure(fig, out_dir, name)


def plot_class_balance(df: pd.DataFrame, out_dir: Path) -> Path:
    counts = df["benign_malignant"].value_counts()
    fig, ax = subplots(figsize=(6, 4))
    bars = ax.bar(counts.index, counts.values, color=["#4C72B0", "#C44E52"])
    ax.bar_label(bars, labels=[f"{v:,} ({100 * v / len(df):.1f}%)" for v in counts.values])
    ax.set_ylabel("images")
    ax.set_title("Benign vs malignant: extreme imbalance")
    return save_figure(fig, out_dir, "benign_vs_malignant")


def plot_age_band_rate(table: pd.DataFrame, out_dir: Path) -> Path:
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
    return save_figure(fig, out_dir, "malignancy_by_age_band")


def plot_images_per_patient(per_patient: pd.Series, out_dir: Path) -> Path:
    fig, ax = subplots()
    ax.hist(per_patient, bins=range(1, int(per_patient.max()) + 2), color="#8172B3")
    ax.set_xlabel("images per patient")
    ax.set_ylabel("patients")
    ax.set_title("Several images per patient: split by patient, not by image")
    return save_figure(fig, out_dir, "images_per_patient")


# --- the run --------------------------------------------------------------------------------------


def _rate_metrics(prefix: str, table: pd.DataFrame, column: str) -> dict[str, float | int]:
    metrics: dict[str, float | int] = {}
    for row in table.itertuples(index=False):
        key = f"{prefix}_{str(getattr(row, column)).replace(' ', '_').replace('/', '_')}"
        metrics |= {f"{key}_n": row.n, f"{key}_malignant_pct": 100 * row.rate,
                    f"{key}_ci_low_pct": 100 * row.ci_low, f"{key}_ci_high_pct": 100 * row.ci_high}  # fmt: skip
    return metrics


def run(out_dir: Path, fast: bool = False, seed: int = 42, data_path: Path | None = None) -> dict[str, Any]:
    """Clean the metadata, summarise it, draw the figures and measure the split leakage."""
    out_dir = Path(out_dir)
    raw = load_melanoma_metadata(data_path)
    meta = clean_metadata(raw)

    per_patient = meta.groupby("patient_id").size()
    malignant = int(meta["target"].sum())
    low, high = proportion_ci(malignant, len(meta))
    tables = {
        "sex": malignancy_table(meta, "sex"),
        "site": malignancy_table(meta, "site").sort_values("n", ascending=False),
        "age_band": malignancy_table(meta, "age_band"),
    }
    figures = [
        plot_age(meta, out_dir),
        plot_counts_and_rate(tables["sex"], "sex", "Sex: images and malignancy rate", "sex", out_dir),
        plot_class_balance(meta, out_dir),
        plot_counts_and_rate(tables["site"], "site", "Anatomical site: images and rate", "anatomical_site", out_dir),
        plot_age_band_rate(tables["age_band"], out_dir),
        plot_images_per_patient(per_patient, out_dir),
    ]

    metrics: dict[str, Any] = {
        "n_images": len(meta),
        "n_patients": int(per_patient.size),
        "images_per_patient_median": float(per_patient.median()),
        "images_per_patient_max": int(per_patient.max()),
        "n_malignant": malignant,
        "malignant_pct": 100 * malignant / len(meta),
        "malignant_ci_low_pct": 100 * low,
        "malignant_ci_high_pct": 100 * high,
        "benign_per_malignant": (len(meta) - malignant) / malignant,
        "patients_with_malignant": int(meta.groupby("patient_id")["target"].max().sum()),
        "missing_sex": int(raw["sex"].isna().sum()),
        "missing_age": int(raw["age_approx"].isna().sum()),
        "missing_site": int(raw["anatom_site_general_challenge"].isna().sum()),
        "rows_dropped": len(raw) - len(meta),
        "age_median": float(meta["age_approx"].median()),
        "n_figures": len(figures),
        **split_leakage(meta, seed),
    }
    for name, table in tables.items():
        metrics |= _rate_metrics(name, table, name)
    return metrics


def report(metrics: dict[str, Any]) -> str:
    m = metrics
    interval = f"{m['malignant_ci_low_pct']:.2f}–{m['malignant_ci_high_pct']:.2f}%"
    malignant = f"{m['n_malignant']} = {m['malignant_pct']:.2f}% ({interval})"
    summary = markdown_table(
        [
            {"measure": "images / patients", "value": f"{m['n_images']:,} / {m['n_patients']:,}"},
            {
                "measure": "images per patient: median / max",
                "value": f"{m['images_per_patient_median']:.0f} / {m['images_per_patient_max']}",
            },
            {"measure": "malignant images (95% CI)", "value": malignant},
            {"measure": "benign images per malignant one", "value": f"{m['benign_per_malignant']:.0f}"},
            {"measure": "patients with at least one malignant image", "value": m["patients_with_malignant"]},
            {
                "measure": "missing sex / age / site (kept as 'unknown')",
                "value": f"{m['missing_sex']} / {m['missing_age']} / {m['missing_site']}",
            },
            {"measure": "rows dropped by cleaning", "value": m["rows_dropped"]},
            {"measure": "median age", "value": f"{m['age_median']:.0f}"},
            {"measure": "figures", "value": m["n_figures"]},
        ]
    )
    split = markdown_table(
        [
            {
                "80/20 split": kind,
                "patients in both train and test": m[f"{prefix}_shared_patients"],
                "test images whose patient is also in train": f"{m[f'{prefix}_leaked_test_images_pct']:.1f}%",
            }
            for kind, prefix in (("random, by image", "random_split"), ("grouped, by patient", "group_split"))
        ]
    )
    rates = []
    for group in ("sex", "age_band", "site"):
        for key in [k for k in m if k.startswith(f"{group}_") and k.endswith("_malignant_pct")]:
            level = key[len(group) + 1 : -len("_malignant_pct")]
            rates.append(
                {
                    "grouping": group.replace("_", " "),
                    "group": level.replace("_", " "),
                    "images": m[f"{group}_{level}_n"],
                    "malignant %": f"{m[key]:.2f}",
                    "95% CI": f"{m[f'{group}_{level}_ci_low_pct']:.2f}–{m[f'{group}_{level}_ci_high_pct']:.2f}",
                }
            )
    grouped_rates = (
        f"Grouped split keeps the imbalance stable: malignant {m['group_split_train_malignant_pct']:.2f}% in train, "
        f"{m['group_split_test_malignant_pct']:.2f}% in test."
    )
    return f"{summary}\n\n{split}\n\n{grouped_rates}\n\n{markdown_table(rates)}"
