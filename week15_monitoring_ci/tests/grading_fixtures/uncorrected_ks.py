"""Wrong on purpose: alarms when any of the eleven columns has KS p < 0.05, with no correction for the eleven tests."""

from _common import (  # noqa: F401 - the contract
    calibrate_psi_threshold,
    column_statistics,
    histogram_quantile,
    psi,
    summarise_logs,
)


def drifted_columns(reference, current):
    stats = column_statistics(reference, current)
    return stats.loc[stats["ks_pvalue"] < 0.05, "column"].tolist()  # the mistake: 0.05, not 0.05 / 11
