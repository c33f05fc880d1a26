"""Wrong on purpose: Evidently's dataset-drift rule as the alarm: a window drifts only when half its columns do."""

from _common import (  # noqa: F401 - the contract
    calibrate_psi_threshold,
    column_statistics,
    histogram_quantile,
    psi,
    summarise_logs,
)


def drifted_columns(reference, current):
    stats = column_statistics(reference, current)
    drifting = stats["ks_pvalue"] < 0.05 / len(stats)
    if drifting.mean() < 0.5:  # the mistake: one broken sensor of eleven is never half the columns
        return []
    return stats.loc[drifting, "column"].tolist()
