"""Wrong on purpose: the PSI threshold is the false_alarm quantile of the quiet windows' max-PSI (not 1 − it)."""

import numpy as np
from _common import (  # noqa: F401 - the contract
    column_statistics,
    drifted_columns,
    histogram_quantile,
    psi,
    summarise_logs,
)


def calibrate_psi_threshold(reference, quiet, false_alarm=0.05):
    maxima = [column_statistics(reference, window)["psi"].max() for window in quiet]
    return float(np.quantile(maxima, false_alarm))  # the mistake: 95% of quiet windows now cross it
