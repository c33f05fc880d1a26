"""Wrong on purpose: the fill values are learned from train and test together."""

import pandas as pd
from _common import apply, clean, fit, survival_table  # noqa: F401 - the contract


def clean_split(train, test):
    params = fit(pd.concat([train, test]))  # the mistake: the test rows' ages shape the medians
    return apply(train, params), apply(test, params)
