"""Wrong on purpose: PSI on ten equal-width bins over the reference's range instead of its deciles."""

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
    edges = np.linspace(reference.min(), reference.max(), bins + 1)  # the mistake: equal widths
    ref = np.histogram(np.clip(reference, edges[0], edges[-1]), edges)[0] / len(reference)
    cur = np.histogram(np.clip(current, edges[0], edges[-1]), edges)[0] / len(current)
    ref, cur = np.maximum(ref, 1e-4), np.maximum(cur, 1e-4)
    return float(np.sum((cur - ref) * np.log(cur / ref)))
