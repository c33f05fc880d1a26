"""How `roadmap grade week02 PATH` checks a learner's Titanic cleaning and survival analysis (see shared/grading).

The grader owns the data: it loads Kaggle's train.csv once, hands the learner's functions copies of it (or of a
fixed 80/20 split of it), and checks the properties the reference's tests assert: no row dropped, nothing
missing afterwards, known values kept, the input left alone, and rules learned on the training rows only.
The reference is imported lazily (titanic_analysis pulls in statsmodels and matplotlib).
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

import numpy as np
import pandas as pd

from shared.grading import Check, Function, Metric, Rubric, SelfCheck, expect

CONTRACT = [
    Function("clean", "clean(df: pd.DataFrame) -> pd.DataFrame",
             "df: the raw passenger table (train.csv's columns). Return a new table with the same rows, no missing "
             "Age or Embarked; rules learned from df itself. Do not modify df."),
    Function("clean_split", "clean_split(train: pd.DataFrame, test: pd.DataFrame) -> (train_clean, test_clean)",
             "the same cleaning for a model week: every value it fills is learned from `train` only and applied "
             "unchanged to `test`"),
    Function("survival_table", "survival_table(df: pd.DataFrame, by: list[str]) -> pd.DataFrame",
             "one row per group of the `by` columns, with the group columns and `rate` (share with Survived = 1)"),
]  # fmt: skip
REFERENCE = "week02_titanic.grading:Reference"
SEED = 2026  # the grader's split and its masked ages
FILLED = ["Age", "Embarked"]  # the columns with gaps that every cleaning must fill
N_MASKED = 150  # known ages the grader hides to score the imputation


class Reference:
    """The reference's own functions under the contract's names (cleaning.py, titanic_analysis.py)."""

    @staticmethod
    def clean(df: pd.DataFrame) -> pd.DataFrame:
        from week02_titanic.titanic_analysis import clean

        return clean(df)

    @staticmethod
    def clean_split(train: pd.DataFrame, test: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        from week02_titanic.cleaning import clean_titanic, fit_cleaning_params

        params = fit_cleaning_params(train)
        return clean_titanic(train, params), clean_titanic(test, params)

    @staticmethod
    def survival_table(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
        from week02_titanic.titanic_analysis import survival_table

        return survival_table(df, by)


def _global_median_clean(df: pd.DataFrame) -> pd.DataFrame:
    """The baseline: every missing age gets the one overall median, every missing port the mode."""
    return df.assign(Age=df["Age"].fillna(df["Age"].median()), Embarked=df["Embarked"].fillna("S"))


BASELINE = SimpleNamespace(clean=_global_median_clean)


# --- the grader's data ------------------------------------------------------------------------------------


@functools.cache
def _raw() -> pd.DataFrame:
    from shared.data import load_titanic

    return load_titanic()


def raw() -> pd.DataFrame:
    """A fresh copy of the 891 passengers, so no check sees another's changes."""
    return _raw().copy()


def split() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The grader's 80/20 split (fixed seed), stratified by nothing: a plain random split of rows."""
    df = raw()
    test_index = df.sample(frac=0.2, random_state=SEED).index
    return df.drop(index=test_index), df.loc[test_index]


def masked() -> tuple[pd.DataFrame, pd.Series]:
    """The table with N_MASKED known ages hidden, and the true ages of those passengers."""
    df = raw()
    hidden = df["Age"].dropna().sample(n=N_MASKED, random_state=SEED)
    df.loc[hidden.index, "Age"] = np.nan
    return df, hidden


def _as_frame(result, what: str) -> pd.DataFrame:
    expect(isinstance(result, pd.DataFrame), f"{what} returned {type(result).__name__}, not a DataFrame")
    return result


# --- checks -----------------------------------------------------------------------------------------------


def check_rows_kept(sol) -> None:
    df = raw()
    out = _as_frame(sol.clean(df.copy()), "clean(df)")
    expect(len(out) == len(df), f"clean(df) returned {len(out)} rows from {len(df)}: {len(df) - len(out)} lost")
    expect(list(out["PassengerId"]) == list(df["PassengerId"]),
           "clean(df) kept the row count but not the passengers, in order (PassengerId differs)")  # fmt: skip


def check_nothing_missing(sol) -> None:
    out = _as_frame(sol.clean(raw()), "clean(df)")
    for column in FILLED:
        expect(column in out.columns, f"clean(df) has no {column} column")
        expect(out[column].notna().all(), f"clean(df) left {int(out[column].isna().sum())} missing {column} values")


def check_known_values_kept(sol) -> None:
    df = raw()
    out = _as_frame(sol.clean(df.copy()), "clean(df)").set_index("PassengerId")
    known = df.dropna(subset=["Age"]).set_index("PassengerId")["Age"]
    known = known[known.index.isin(out.index)]  # a dropped row is the no_rows_dropped check's finding
    changed = (out.loc[known.index, "Age"].astype(float) - known).abs() > 1e-9
    expect(not changed.any(), f"clean(df) changed {int(changed.sum())} ages that were known (e.g. passenger "
           f"{changed[changed].index[:3].tolist()}); fill only the gaps")  # fmt: skip


def check_plausible_fill(sol) -> None:
    df = raw()
    out = _as_frame(sol.clean(df.copy()), "clean(df)").set_index("PassengerId")
    gaps = out.index.intersection(df.loc[df["Age"].isna(), "PassengerId"])
    filled = out.loc[gaps, "Age"].astype(float)
    low, high = df["Age"].min(), df["Age"].max()
    outside = filled[(filled < low) | (filled > high)]
    expect(outside.empty, f"{len(outside)} filled ages lie outside the known range {low:g}–{high:g} "
           f"(e.g. {outside.iloc[:3].tolist()}): a placeholder such as 0 or -1 is not an age")  # fmt: skip
    ports = set(df["Embarked"].dropna().astype(str))
    new_ports = set(out["Embarked"].astype(str)) - ports
    expect(not new_ports, f"Embarked was filled with {sorted(new_ports)}, not one of the real ports {sorted(ports)}")


def check_input_untouched(sol) -> None:
    df = raw()
    sol.clean(df)
    expect(df.equals(_raw()), "clean(df) modified the table it was given (inplace=True, or assigning into df); "
           "return a new table")  # fmt: skip


def check_no_test_leakage(sol) -> None:
    train, test = split()
    shifted = test.assign(Age=test["Age"] + 40)  # a sentinel: the test rows' known ages, all 40 years older
    train_a, test_a = sol.clean_split(train.copy(), test.copy())
    train_b, test_b = sol.clean_split(train.copy(), shifted)
    _as_frame(train_a, "clean_split(...)[0]")
    expect(len(train_a) == len(train) and len(test_a) == len(test), "clean_split changed the number of rows")
    gaps = test["Age"].isna().to_numpy()
    fill_a, fill_b = test_a.loc[gaps, "Age"].to_numpy(float), test_b.loc[gaps, "Age"].to_numpy(float)
    moved = not (np.allclose(train_a["Age"].to_numpy(float), train_b["Age"].to_numpy(float)) and
                 np.allclose(fill_a, fill_b))  # fmt: skip
    expect(
        not moved,
        "the ages filled in depend on the test rows: when the grader made every known test age 40 "
        f"years older, the filled values moved (mean of the test fills {fill_a.mean():.1f} → {fill_b.mean():.1f})",
    )


def check_survival_rates(sol) -> None:
    df = raw()
    table = _as_frame(sol.survival_table(df.copy(), ["Sex"]), "survival_table(df, ['Sex'])")
    expect("rate" in table.columns, f"survival_table has no `rate` column (columns: {list(table.columns)})")
    rates = table.set_index(table["Sex"].astype(str))["rate"].astype(float)
    truth = df.groupby(df["Sex"].astype(str))["Survived"].mean()
    for sex, rate in truth.items():
        expect(sex in rates.index, f"survival_table(df, ['Sex']) has no row for {sex}")
        expect(abs(rates[sex] - rate) < 1e-9, f"survival rate of {sex}: {rates[sex]:.4f}, expected {rate:.4f}")
    by_class = _as_frame(sol.survival_table(df.copy(), ["Sex", "Pclass"]), "survival_table(df, ['Sex', 'Pclass'])")
    expect(len(by_class) == 6, f"survival_table(df, ['Sex', 'Pclass']) has {len(by_class)} rows, expected 6 groups")


CHECKS = [
    Check("no_rows_dropped", "cleaning", check_rows_kept,
          "fill missing values instead of dropping rows (dropna removes the passengers whose age is unknown, and "
          "they survived less often: the rates move)"),
    Check("nothing_missing", "cleaning", check_nothing_missing, "fill Age and Embarked; check df.isna().sum()"),
    Check("known_values_kept", "cleaning", check_known_values_kept,
          "fill only where the value is missing (fillna or .where), never overwrite a recorded age"),
    Check("plausible_fill", "cleaning", check_plausible_fill,
          "fill with a value the data supports (a median by group, the most common port), not a placeholder"),
    Check("input_not_modified", "cleaning", check_input_untouched,
          "start with out = df.copy() (or use df.assign): a function that edits its argument surprises the caller"),
    Check("no_test_leakage", "cleaning", check_no_test_leakage,
          "learn the fill values (medians, the mode) from the training rows only and apply them to the test "
          "rows; pd.concat([train, test]) before computing them leaks the test set"),
    Check("survival_rates", "analysis", check_survival_rates,
          "group by the columns and take the mean of Survived (0/1): df.groupby(by)['Survived'].mean()"),
]  # fmt: skip


def imputation_error(sol) -> float:
    """Mean absolute error (years) of the ages `clean` fills in for known ages the grader hid."""
    df, truth = masked()
    out = sol.clean(df).set_index("PassengerId")
    ids = df.loc[truth.index, "PassengerId"]
    kept = ids.isin(out.index).to_numpy()  # a solution that drops rows is scored on the ages it kept
    return float(np.abs(out.loc[ids[kept], "Age"].to_numpy(float) - truth.to_numpy(float)[kept]).mean())


METRICS = [
    Metric("age_fill_mae_years", imputation_error, "lower", baseline=BASELINE, baseline_name="one global median",
           description=f"{N_MASKED} known ages hidden by the grader, filled by clean(df)"),
]  # fmt: skip

RUBRIC = Rubric.equal(
    "cleaning",
    "analysis",
    self_assessment=[
        SelfCheck("Does your write-up compare survival by sex and class, with intervals, and say how they interact?",
                  "week02_titanic/README.md#write-up"),
        SelfCheck("Do you justify each cleaning rule and say what the missing ages do to the rates?",
                  "week02_titanic/README.md#write-up"),
        SelfCheck("Does your ethics section discuss historical bias and correlation vs causation?",
                  "week02_titanic/README.md#ethics"),
    ],
)  # fmt: skip
