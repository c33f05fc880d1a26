"""Wrong on purpose: missing ages become 0, a placeholder that turns 177 adults into newborns."""

from _common import clean_split, survival_table  # noqa: F401 - the contract


def clean(df):
    out = df.copy()
    out["Age"] = out["Age"].fillna(0)  # the mistake
    out["Embarked"] = out["Embarked"].fillna("S")
    return out
