"""Correct pieces the wrong solutions share, so each fixture differs from a right answer in one place only."""

import numpy as np
import pandas as pd
from scipy import stats

FEATURES = [
    "fixed acidity", "volatile acidity", "citric acid", "residual sugar", "chlorides", "free sulfur dioxide",
    "total sulfur dioxide", "density", "pH", "sulphates", "alcohol",
]  # fmt: skip


def clean_wine(df):
    return df.drop_duplicates().reset_index(drop=True)


def quality_correlations(wine):
    rows = []
    for feature in FEATURES:
        result = stats.pearsonr(wine[feature], wine["quality"])
        interval = result.confidence_interval(0.95)
        rows.append({"feature": feature, "r": result.statistic, "ci_low": interval.low, "ci_high": interval.high})
    return pd.DataFrame(rows)


def cohens_d(a, b):
    return float((a.mean() - b.mean()) / np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2))


def welch_tests(df, columns, equal_var=False):
    red, white = df[df["type"] == "red"], df[df["type"] == "white"]
    rows = []
    for column in columns:
        result = stats.ttest_ind(red[column], white[column], equal_var=equal_var)
        rows.append({"property": column, "diff": red[column].mean() - white[column].mean(), "p": result.pvalue,
                     "d": cohens_d(red[column], white[column])})  # fmt: skip
    return pd.DataFrame(rows)
