"""Correct pieces the wrong solutions share, so each fixture differs from a right answer in one place only."""

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp


def psi(reference, current, bins=10):
    reference, current = np.asarray(reference, dtype=float), np.asarray(current, dtype=float)
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)[1:-1]))
    ref = np.bincount(np.digitize(reference, edges), minlength=len(edges) + 1) / len(reference)
    cur = np.bincount(np.digitize(current, edges), minlength=len(edges) + 1) / len(current)
    ref, cur = np.maximum(ref, 1e-4), np.maximum(cur, 1e-4)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def column_statistics(reference, current):
    return pd.DataFrame(
        [
            {"column": c, "ks_pvalue": ks_2samp(reference[c], current[c]).pvalue, "psi": psi(reference[c], current[c])}
            for c in reference.columns
        ]
    )


def calibrate_psi_threshold(reference, quiet, false_alarm=0.05):
    maxima = [column_statistics(reference, window)["psi"].max() for window in quiet]
    return float(np.quantile(maxima, 1 - false_alarm))


def drifted_columns(reference, current):
    stats = column_statistics(reference, current)
    return stats.loc[stats["ks_pvalue"] < 0.05 / len(stats), "column"].tolist()


def summarise_logs(records):
    access = records.dropna(subset=["route", "status"])
    rows = []
    for route, group in access.groupby("route"):
        status = group["status"].astype(int)
        row = {
            "route": route,
            "requests": len(group),
            "share_5xx": (status >= 500).mean(),
            "share_429": (status == 429).mean(),
        }
        for q in (50, 95, 99):
            row[f"p{q}_ms"] = np.percentile(group["latency_ms"].astype(float), q)
        rows.append(row)
    return pd.DataFrame(rows)


def histogram_quantile(q, families, name, **labels):
    buckets = sorted(
        (float(s.labels["le"]), s.value)
        for s in families[name]
        if s.name.endswith("_bucket") and all(s.labels.get(k) == v for k, v in labels.items())
    )
    rank = q * buckets[-1][1]
    lower_edge, lower_count = 0.0, 0.0
    for edge, count in buckets:
        if count >= rank:
            if np.isinf(edge):
                return lower_edge
            return lower_edge + (edge - lower_edge) * (rank - lower_count) / (count - lower_count)
        lower_edge, lower_count = edge, count
    return lower_edge
