"""Data drift, the week's core: is today's input still distributed like the data the model was trained on?

Three ways to ask it of one numeric column, each computed directly here so the Evidently report can be checked:
- the two-sample Kolmogorov-Smirnov test (`scipy.stats.ks_2samp`): a p-value, what Evidently uses by default for
  numeric columns of up to 1,000 reference rows (and what we ask it to use everywhere, so the numbers can be compared);
- chi² on counts (`scipy.stats.chisquare`) for categories, e.g. which words a text uses;
- the Population Stability Index (`psi`, written below): no p-value, a size of change that does not grow with n.

A detector is a rule that turns those statistics into "alarm / no alarm" for a whole window of rows. We do not
trust a detector because it ran: `false_alarm_rate` and `detection_rates` measure it on many windows with and
without a simulated shift, and the PSI threshold is chosen on calibration windows that the measurement never reuses.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import chisquare, ks_2samp

from shared.stats import proportion_ci

PSI_BINS = 10  # deciles of the reference: the convention in credit scoring, where PSI comes from
PSI_EPS = 1e-4  # floor for an empty bin's share: log(0) would make PSI infinite


# --- the statistics, one column at a time --------------------------------------------------------------------------


def psi(reference: np.ndarray, current: np.ndarray, bins: int = PSI_BINS) -> float:
    """Population Stability Index: Σ (cur% − ref%) · ln(cur% / ref%) over the reference's quantile bins.

    Written here (not imported) because it is the lesson: neither scipy nor scikit-learn has it, it is a few lines,
    and a learner should see that it is a symmetrised KL divergence on a histogram. Unlike a KS p-value it does not
    shrink with sample size, so it says *how much* a distribution moved, not only *whether*. The usual rule of thumb
    (< 0.1 stable, > 0.25 major shift) ignores the window size; we calibrate the threshold on no-drift windows instead.
    Bin edges are reference quantiles (ties merged); values outside the reference range fall in the end bins.
    """
    reference, current = np.asarray(reference, float), np.asarray(current, float)
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)[1:-1]))
    ref_share = np.bincount(np.searchsorted(edges, reference, side="right"), minlength=len(edges) + 1) / len(reference)
    cur_share = np.bincount(np.searchsorted(edges, current, side="right"), minlength=len(edges) + 1) / len(current)
    ref_share, cur_share = np.clip(ref_share, PSI_EPS, None), np.clip(cur_share, PSI_EPS, None)
    return float(np.sum((cur_share - ref_share) * np.log(cur_share / ref_share)))


def ks_pvalue(reference: np.ndarray, current: np.ndarray) -> float:
    """Two-sample KS p-value (scipy's default method, as Evidently calls it)."""
    return float(ks_2samp(reference, current).pvalue)


def chi2_pvalue(reference: pd.Series, current: pd.Series) -> float:
    """Chi² goodness of fit: are the current categories' counts what the reference's shares predict?

    The same test Evidently's "chisquare" runs (expected counts = reference shares × current size), so the two
    p-values can be compared number for number.
    """
    keys = sorted(set(reference.dropna()) | set(current.dropna()))
    ref_counts = reference.value_counts().reindex(keys, fill_value=0).to_numpy(float)
    cur_counts = current.value_counts().reindex(keys, fill_value=0).to_numpy(float)
    return float(chisquare(cur_counts, ref_counts * len(current) / len(reference)).pvalue)


def column_statistics(reference: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """KS p-value and PSI for every column: one row per column."""
    return pd.DataFrame(
        [
            {"column": c, "ks_pvalue": ks_pvalue(reference[c], current[c]), "psi": psi(reference[c], current[c])}
            for c in reference.columns
        ]  # fmt: skip
    )


# --- simulated covariate shift -------------------------------------------------------------------------------------


def shift(frame: pd.DataFrame, columns: list[str], size: float, scale: pd.Series) -> pd.DataFrame:
    """Add `size` standard deviations (`scale`, from the reference) to `columns`: a miscalibrated sensor."""
    shifted = frame.copy()
    for column in columns:
        shifted[column] = shifted[column] + size * scale[column]
    return shifted


# --- detectors: a window's column statistics → alarm ---------------------------------------------------------------

ALPHA = 0.05  # significance level of each KS test


def detectors(n_columns: int, psi_threshold: float) -> dict[str, Callable[[pd.DataFrame], bool]]:
    """The rules compared. `stats` is `column_statistics` of one window."""
    return {
        # Evidently's default dataset-drift rule: at least half of the columns drift (KS p < 0.05 each).
        "half the columns (Evidently default)": lambda s: (s["ks_pvalue"] < ALPHA).mean() >= 0.5,
        # Any column at p < 0.05: eleven tests at 5% each, so a false alarm on ~1 − 0.95¹¹ ≈ 43% of quiet days.
        "any column, KS p < 0.05": lambda s: (s["ks_pvalue"] < ALPHA).any(),
        # Bonferroni: any column at p < 0.05 / k keeps the family-wise false-alarm rate ≤ 5%.
        "any column, KS Bonferroni": lambda s: (s["ks_pvalue"] < ALPHA / n_columns).any(),
        # PSI has no p-value: the threshold is the 95th percentile of max-PSI on no-drift calibration windows.
        "max PSI > calibrated": lambda s: s["psi"].max() > psi_threshold,
    }


def windows(
    reference: pd.DataFrame, pool: pd.DataFrame, *, n_windows: int, window: int, rng: np.random.Generator
) -> list[pd.DataFrame]:
    """`n_windows` random windows of `window` rows from `pool` (rows the reference does not contain): no drift."""
    return [pool.iloc[rng.choice(len(pool), size=window, replace=False)] for _ in range(n_windows)]


def calibrate_psi_threshold(reference: pd.DataFrame, quiet: list[pd.DataFrame], false_alarm: float = 0.05) -> float:
    """The (1 − false_alarm) quantile of max-PSI over no-drift windows: the threshold that alarms on 5% of them."""
    maxima = [column_statistics(reference, w)["psi"].max() for w in quiet]
    return float(np.quantile(maxima, 1 - false_alarm))


def detection_rates(
    reference: pd.DataFrame,
    quiet: list[pd.DataFrame],
    sizes: list[float],
    columns: list[str],
    psi_threshold: float,
) -> pd.DataFrame:
    """For every shift size and detector: the share of windows that alarmed, with its 95% Wilson interval.

    Size 0 is the false-alarm rate. The same windows are shifted by each size, so the curves differ only by the shift.
    """
    scale = reference.std()
    rules = detectors(reference.shape[1], psi_threshold)
    rows = []
    quiet_stats = [column_statistics(reference, current) for current in quiet]
    for size in sizes:
        alarms = dict.fromkeys(rules, 0)
        for current, stats in zip(quiet, quiet_stats, strict=True):
            if size:  # only the shifted columns' statistics change
                moved = column_statistics(reference[columns], shift(current[columns], columns, size, scale))
                stats = pd.concat([stats[~stats["column"].isin(columns)], moved], ignore_index=True)
            for name, rule in rules.items():
                alarms[name] += bool(rule(stats))
        for name, hits in alarms.items():
            low, high = proportion_ci(hits, len(quiet))
            rows.append({"shift_sd": size, "detector": name, "alarms": hits, "windows": len(quiet),
                         "rate": hits / len(quiet), "ci_low": low, "ci_high": high})  # fmt: skip
    return pd.DataFrame(rows)


# --- Evidently, and the cross-check --------------------------------------------------------------------------------


def evidently_drift(
    reference: pd.DataFrame, current: pd.DataFrame, out_stem: Path, *, method: str = "ks", threshold: float = ALPHA
) -> dict:
    """Run Evidently's DataDriftPreset, save `<out_stem>.html` and `.json`, return its verdicts.

    `method="ks"` for every column: Evidently's automatic choice switches to Wasserstein distance above 1,000
    reference rows, and we want a statistic we can recompute with scipy.
    """
    from week15_monitoring_ci.evidently_compat import import_evidently

    evidently = import_evidently()
    from evidently.presets import DataDriftPreset

    report = evidently.Report([DataDriftPreset(method=method, threshold=threshold)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas 3 deprecation notices from inside Evidently
        snapshot = report.run(current.reset_index(drop=True), reference.reset_index(drop=True))
    out_stem = Path(out_stem)
    out_stem.parent.mkdir(parents=True, exist_ok=True)
    snapshot.save_html(str(out_stem.parent / f"{out_stem.name}.html"))  # not with_suffix: "0.5sd" has a dot
    summary = summarise_snapshot(snapshot.dict())
    (out_stem.parent / f"{out_stem.name}.json").write_text(json.dumps(snapshot.dict(), indent=1, default=str),
                                                           encoding="utf-8")  # fmt: skip
    return summary


def summarise_snapshot(snapshot: dict) -> dict:
    """Evidently's JSON → {"share": drifted share, "count": drifted columns, "values": {column: drift score}}."""
    summary: dict = {"values": {}}
    for metric in snapshot["metrics"]:
        config = metric["config"]
        if config["type"].endswith("DriftedColumnsCount"):
            summary["share"], summary["count"] = metric["value"]["share"], int(metric["value"]["count"])
            summary["drift_share"] = config["drift_share"]
        elif config["type"].endswith("ValueDrift"):
            summary["values"][config["column"]] = float(metric["value"])
    summary["dataset_drift"] = summary["share"] >= summary["drift_share"]
    return summary


def cross_check(summary: dict, direct: dict[str, float]) -> pd.DataFrame:
    """Evidently's score next to ours for each column, and whether the two verdicts (p < 0.05) agree."""
    rows = []
    for column, ours in direct.items():
        theirs = summary["values"][column]
        rows.append({"column": column, "evidently_p": theirs, "scipy_p": ours, "abs_diff": abs(theirs - ours),
                     "same_verdict": (theirs < ALPHA) == (ours < ALPHA)})  # fmt: skip
    return pd.DataFrame(rows)
