"""Wrong on purpose: "cleaning" by dropping every passenger whose age is unknown (177 of 891)."""

from _common import clean_split, survival_table  # noqa: F401 - the contract


def clean(df):
    out = df.dropna(subset=["Age"]).copy()  # the mistake: the rows go, and with them a less lucky group
    out["Embarked"] = out["Embarked"].fillna(out["Embarked"].mode().iloc[0])
    return out
