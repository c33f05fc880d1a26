"""Wrong on purpose: the survival "rate" is the number of survivors, not their share."""

from _common import clean, clean_split  # noqa: F401 - the contract


def survival_table(df, by):
    return df.groupby(by, observed=True)["Survived"].sum().rename("rate").reset_index()  # the mistake: sum
