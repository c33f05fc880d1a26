"""Unit tests of the cleaning rules on tiny fixtures and on the real file."""

import pandas as pd
import pytest

from shared.data import load_titanic
from shared.errors import DataError
from week02_titanic.cleaning import (
    FILLED_COLUMNS,
    clean_titanic,
    duplicate_report,
    extract_title,
    fit_cleaning_params,
    impute_age,
    missing_report,
)


def tiny() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "PassengerId": [1, 2, 3, 4, 5, 6],
            "Survived": [0, 1, 1, 0, 1, 0],
            "Pclass": [3, 1, 3, 3, 1, 3],
            "Name": [
                "Braund, Mr. Owen",
                "Cumings, Mrs. John",
                "Heikkinen, Miss. Laina",
                "Palsson, Master. Gosta",
                "Rothes, the Countess. of",
                "Smith, Mr. John",
            ],  # fmt: skip
            "Sex": ["male", "female", "female", "male", "female", "male"],
            "Age": [22.0, 38.0, None, 2.0, 33.0, None],
            "Cabin": [None, "C85", None, None, "B77", None],
            "Embarked": ["S", "C", "S", None, "S", "Q"],
            "Fare": [7.25, 71.28, 7.92, 21.07, 86.5, None],
        }
    )


def test_extract_title_folds_rare_and_french_titles():
    names = pd.Series(["A, Mr. B", "A, Mlle. B", "A, Mme. B", "A, Dr. B", "A, the Countess. of B", "no title"])
    assert extract_title(names).tolist() == ["Mr", "Miss", "Mrs", "Rare", "Rare", "Rare"]


def test_impute_age_uses_title_and_class_median_then_falls_back():
    df = tiny()
    out = impute_age(df)
    # Mr in class 3 has one known age (22): Smith gets it. Miss has no known age at all: overall median.
    assert out.loc[5, "Age"] == 22.0
    assert out.loc[2, "Age"] == pd.Series([22.0, 38.0, 2.0, 33.0]).median()
    assert out["AgeImputed"].tolist() == [False, False, True, False, False, True]
    assert df["Age"].isna().sum() == 2  # the input is not modified


def test_clean_fills_every_claimed_column_and_keeps_rows():
    df = tiny()
    out = clean_titanic(df)
    assert len(out) == len(df)
    assert out[FILLED_COLUMNS].isna().sum().sum() == 0
    assert "Cabin" not in out
    assert out["Deck"].tolist() == ["U", "C", "U", "U", "B", "U"]
    assert out["HasCabin"].tolist() == [False, True, False, False, True, False]
    assert out.loc[3, "Embarked"] == "S"
    assert out.loc[5, "Fare"] == pd.Series([7.25, 7.92, 21.07]).median()  # class-3 median fare


def test_clean_is_idempotent_on_real_data():
    once = clean_titanic(load_titanic())
    twice = clean_titanic(once)
    pd.testing.assert_frame_equal(once, twice)


def test_real_data_cleaning_handles_every_missing_value():
    raw = load_titanic()
    out = clean_titanic(raw)
    assert len(out) == len(raw) == 891
    assert out.isna().sum().sum() == 0
    assert out["AgeImputed"].sum() == raw["Age"].isna().sum() == 177


def test_params_fitted_on_one_split_apply_to_another():
    raw = load_titanic()
    train, test = raw.iloc[:600], raw.iloc[600:]
    params = fit_cleaning_params(train)
    out = clean_titanic(test, params)
    assert out["Age"].isna().sum() == 0 and len(out) == len(test)
    known = test["Age"].isna() & (extract_title(test["Name"]) == "Mr") & (test["Pclass"] == 3)
    assert (out.loc[known, "Age"] == params.age_medians[("Mr", 3)]).all()


def test_missing_and_duplicate_reports():
    df = tiny()
    report = missing_report(df)
    assert report.loc["Cabin", "missing"] == 4
    assert report.loc["Age", "missing_pct"] == pytest.approx(100 * 2 / 6)
    doubled = pd.concat([df, df.assign(PassengerId=df["PassengerId"] + 10)])
    assert duplicate_report(doubled) == {"duplicate_ids": 0, "duplicate_records": 6}


def test_missing_column_is_a_clear_error():
    with pytest.raises(DataError, match="Name"):
        clean_titanic(tiny().drop(columns="Name"))
