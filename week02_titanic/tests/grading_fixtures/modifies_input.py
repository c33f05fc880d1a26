"""Wrong on purpose: fills the caller's table in place and returns it."""

from _common import clean_split, fit, survival_table  # noqa: F401 - the contract


def clean(df):
    params = fit(df)
    df["Age"] = df["Age"].fillna(df["Pclass"].map(params["age"]))  # the mistake: writes into the argument
    df["Embarked"] = df["Embarked"].fillna(params["port"])
    return df
