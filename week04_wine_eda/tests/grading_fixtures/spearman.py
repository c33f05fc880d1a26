"""Wrong on purpose: rank (Spearman) correlations reported as Pearson's r."""

import numpy as np
import pandas as pd
from _common import FEATURES, clean_wine, cohens_d, welch_tests  # noqa: F401 - the contract
from scipy import stats


def quality_correlations(wine):
    rows = []
    for feature in FEATURES:
        r = stats.spearmanr(wine[feature], wine["quality"]).statistic  # the mistake: ranks
        z, half = np.arctanh(r), 1.96 / (len(wine) - 3) ** 0.5
        rows.append({"feature": feature, "r": r, "ci_low": np.tanh(z - half),
                     "ci_high": np.tanh(z + half)})  # fmt: skip
    return pd.DataFrame(rows)
