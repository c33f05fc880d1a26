"""Wrong on purpose: Cohen's d with population variances (ddof=0)."""

import numpy as np
from _common import FEATURES, clean_wine, quality_correlations, welch_tests  # noqa: F401 - the contract


def cohens_d(a, b):
    return float((a.mean() - b.mean()) / np.sqrt((a.var(ddof=0) + b.var(ddof=0)) / 2))  # the mistake: ddof=0
