"""Correct pieces the wrong solutions share, so each fixture differs from a right answer in one place only."""

import pandas as pd


def fit(train: pd.DataFrame) -> dict:
    """The fill values, learned from `train`: the median age per class and the most common port."""
    return {"age": train.groupby("Pclass")["Age"].median(), "port": train["Embarked"].mode().iloc[0]}


def apply(df: pd.DataFrame, params: dict) -> pd.DataFrame:
    out = df.copy()
    out["Age"] = out["Age"].fillna(out["Pclass"].map(params["age"]))
    out["Embarked"] = out["Embarked"].fillna(params["port"])
    return out


def clean(df: pd.DataFrame) -> pd.DataFrame:
    return apply(df, fit(df))


def clean_split(train: pd.DataFrame, test: pd.DataFrame):
    params = fit(train)
    return apply(train, params), apply(test, params)


def survival_table(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    return df.groupby(by, observed=True)["Survived"].mean().rename("rate").reset_index()
