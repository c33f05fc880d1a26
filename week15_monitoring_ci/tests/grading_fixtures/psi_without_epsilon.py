"""Wrong on purpose: PSI without a floor on the bin shares, so an empty bin makes it infinite (or NaN)."""

import numpy as np
from _common import (  # noqa: F401 - the contract
    calibrate_psi_threshold,
    column_statistics,
    drifted_columns,
    histogram_quantile,
    summarise_logs,
)


def psi(reference, current, bins=10):
    reference, current = np.asarray(reference, dtype=float), np.asarray(current, dtype=float)
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)[1:-1]))
    ref = np.bincount(np.digitize(reference, edges), minlength=len(edges) + 1) / len(reference)
    cur = np.bincount(np.digitize(current, edges), minlength=len(edges) + 1) / len(current)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum((cur - ref) * np.log(cur / ref)))  # the mistake: log(0) when a bin is empty
