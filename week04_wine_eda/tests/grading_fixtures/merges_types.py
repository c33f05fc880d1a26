"""Wrong on purpose: duplicates are looked for in the measurements only, so a red and a white twin merge."""

from _common import FEATURES, cohens_d, quality_correlations, welch_tests  # noqa: F401 - the contract


def clean_wine(df):
    return df.drop_duplicates(subset=[*FEATURES, "quality"]).reset_index(drop=True)  # the mistake: no `type`
