"""Wrong on purpose: "cleaning" that only drops missing values, so the 1,177 repeated samples stay."""

from _common import FEATURES, cohens_d, quality_correlations, welch_tests  # noqa: F401 - the contract


def clean_wine(df):
    return df.dropna().reset_index(drop=True)  # the mistake: exact duplicates are kept
