"""How `roadmap grade week04 PATH` checks a learner's wine-quality EDA (see shared/grading).

The grader owns the data: both UCI files stacked with a `type` column ('red' / 'white'), as eda_wine's
`load_combined` returns them. The checks compare each statistic with an independent computation (pandas, scipy)
on the grader's data and on small frames it builds, where the right answer is known by construction. The
reference is imported lazily (eda_wine pulls in matplotlib and scipy).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from shared.grading import Check, Function, Rubric, SelfCheck, expect

FEATURES = [
    "fixed acidity", "volatile acidity", "citric acid", "residual sugar", "chlorides", "free sulfur dioxide",
    "total sulfur dioxide", "density", "pH", "sulphates", "alcohol",
]  # fmt: skip
CONTRACT = [
    Function("clean_wine", "clean_wine(df: pd.DataFrame) -> pd.DataFrame",
             "df: red and white wines stacked, the eleven measurements, `quality` and `type` ('red'/'white'). "
             "Return a new table without exact duplicate rows; a red and a white wine are never merged"),
    Function("quality_correlations", "quality_correlations(wine: pd.DataFrame) -> pd.DataFrame",
             "one row per measurement: `feature`, Pearson's `r` with quality, and its 95% interval `ci_low`, "
             "`ci_high`"),
    Function("welch_tests", "welch_tests(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame",
             "red vs white for each column: `property`, `diff` (mean red − mean white), `p` (Welch's t-test) and "
             "`d` (Cohen's d)"),
    Function("cohens_d", "cohens_d(a: pd.Series, b: pd.Series) -> float",
             "(mean a − mean b) / sqrt((var a + var b) / 2), sample variances"),
]  # fmt: skip
REFERENCE = "week04_wine_eda.grading:Reference"


class Reference:
    """eda_wine's own functions (imported on first use)."""

    @staticmethod
    def clean_wine(df: pd.DataFrame) -> pd.DataFrame:
        from week04_wine_eda.eda_wine import clean_wine

        return clean_wine(df)

    @staticmethod
    def quality_correlations(wine: pd.DataFrame) -> pd.DataFrame:
        from week04_wine_eda.eda_wine import quality_correlations

        return quality_correlations(wine)

    @staticmethod
    def welch_tests(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        from week04_wine_eda.eda_wine import welch_tests

        return welch_tests(df, columns)

    @staticmethod
    def cohens_d(a: pd.Series, b: pd.Series) -> float:
        from week04_wine_eda.eda_wine import cohens_d

        return cohens_d(a, b)


@functools.cache
def _combined() -> pd.DataFrame:
    from shared.data import load_wine

    frames = [load_wine(kind).assign(type=kind) for kind in ("red", "white")]
    combined = pd.concat(frames, ignore_index=True)
    combined["type"] = pd.Categorical(combined["type"], categories=["red", "white"])
    return combined[[*FEATURES, "quality", "type"]]


def combined() -> pd.DataFrame:
    """A fresh copy of the 6,497 wines (1,599 red, 4,898 white), duplicates included."""
    return _combined().copy()


def clean_truth() -> pd.DataFrame:
    return combined().drop_duplicates().reset_index(drop=True)


def _frame(result, what: str, columns: list[str]) -> pd.DataFrame:
    expect(isinstance(result, pd.DataFrame), f"{what} returned {type(result).__name__}, not a DataFrame")
    missing = [c for c in columns if c not in result.columns]
    expect(not missing, f"{what} has no column(s) {missing} (it has {list(result.columns)})")
    return result


# --- checks -----------------------------------------------------------------------------------------------


def check_duplicates(sol) -> None:
    df = combined()
    out = _frame(sol.clean_wine(df.copy()), "clean_wine(df)", [*FEATURES, "quality", "type"])
    want = clean_truth()
    expect(len(out) == len(want), f"clean_wine kept {len(out)} of {len(df)} rows; dropping exact duplicate rows "
           f"(all measurements, quality and type equal) leaves {len(want)}")  # fmt: skip
    expect(not out.duplicated().any(), f"clean_wine left {int(out.duplicated().sum())} exact duplicates")


def check_types_not_merged(sol) -> None:
    row = combined().iloc[[0]]
    twins = pd.concat([row.assign(type="red"), row.assign(type="white"), row.assign(type="red")], ignore_index=True)
    twins["type"] = pd.Categorical(twins["type"], categories=["red", "white"])
    out = _frame(sol.clean_wine(twins), "clean_wine(df)", ["type"])
    kinds = sorted(out["type"].astype(str))
    expect(kinds == ["red", "white"], f"a red and a white wine with equal measurements (and a repeated red) should "
           f"leave one red and one white; clean_wine left {kinds}")  # fmt: skip


def check_input_untouched(sol) -> None:
    df = combined()
    sol.clean_wine(df)
    expect(df.equals(_combined()), "clean_wine modified the table it was given; return a new one")


def check_correlations(sol) -> None:
    from scipy import stats

    wine = clean_truth()
    table = _frame(sol.quality_correlations(wine.copy()), "quality_correlations(wine)",
                   ["feature", "r", "ci_low", "ci_high"]).set_index("feature")  # fmt: skip
    missing = [f for f in FEATURES if f not in table.index]
    expect(not missing, f"quality_correlations has no row for {missing}")
    for feature in FEATURES:
        result = stats.pearsonr(wine[feature], wine["quality"])
        interval = result.confidence_interval(0.95)
        got = table.loc[feature]
        expect(abs(got["r"] - result.statistic) < 1e-9,
               f"r({feature}, quality) = {got['r']:.4f}; Pearson's r is {result.statistic:.4f}")  # fmt: skip
        expect(abs(got["ci_low"] - interval.low) < 1e-6 and abs(got["ci_high"] - interval.high) < 1e-6,
               f"interval for {feature}: [{got['ci_low']:.4f}, {got['ci_high']:.4f}]; Fisher's z gives "
               f"[{interval.low:.4f}, {interval.high:.4f}]")  # fmt: skip


def check_welch(sol) -> None:
    from scipy import stats

    wine = clean_truth()
    columns = ["alcohol", "residual sugar", "quality"]
    table = _frame(sol.welch_tests(wine.copy(), columns), "welch_tests(df, columns)",
                   ["property", "diff", "p"]).set_index("property")  # fmt: skip
    red, white = wine[wine["type"] == "red"], wine[wine["type"] == "white"]
    for column in columns:
        result = stats.ttest_ind(red[column], white[column], equal_var=False)
        diff = red[column].mean() - white[column].mean()
        got = table.loc[column]
        expect(abs(got["diff"] - diff) < 1e-9, f"{column}: diff {got['diff']:.4f}, expected red − white = {diff:.4f}")
        expect(
            np.isclose(got["p"], result.pvalue, rtol=1e-6, atol=1e-300),
            f"{column}: p = {got['p']:.3g}; Welch's t-test (unequal variances) gives {result.pvalue:.3g}",
        )


def check_cohens_d(sol) -> None:
    a = pd.Series([2.0, 4.0, 6.0, 8.0])  # mean 5, sample variance 20/3
    b = pd.Series([1.0, 2.0, 3.0])  # mean 2, sample variance 1
    expected = 3 / np.sqrt((20 / 3 + 1) / 2)
    got = float(sol.cohens_d(a, b))
    expect(abs(got - expected) < 1e-9, f"cohens_d([2, 4, 6, 8], [1, 2, 3]) = {got:.4f}, expected {expected:.4f}")
    expect(abs(float(sol.cohens_d(b, a)) + expected) < 1e-9, "cohens_d(b, a) should be −cohens_d(a, b)")


CHECKS = [
    Check("duplicates_dropped", "cleaning", check_duplicates,
          "drop rows equal in every column, `type` included (df.drop_duplicates()), and nothing else"),
    Check("types_not_merged", "cleaning", check_types_not_merged,
          "include `type` when looking for duplicates: a red and a white wine with equal measurements are two wines"),
    Check("input_not_modified", "cleaning", check_input_untouched,
          "return a new table (drop_duplicates returns one; avoid inplace=True on the argument)"),
    Check("correlations_correct", "statistics", check_correlations,
          "Pearson's r (not Spearman's), and its interval by Fisher's z: tanh(atanh(r) ± 1.96 / sqrt(n − 3)); "
          "scipy.stats.pearsonr(x, y).confidence_interval() gives both"),
    Check("welch_correct", "statistics", check_welch,
          "Welch's test does not assume equal variances: stats.ttest_ind(red, white, equal_var=False)"),
    Check("cohens_d_correct", "statistics", check_cohens_d,
          "sample variances (ddof=1), the average of the two (not pooled by size), and the sign of a − b"),
]  # fmt: skip
METRICS = []  # an EDA has no held-out score: each statistic is compared with scipy's on the grader's data

RUBRIC = Rubric.equal(
    "cleaning",
    "statistics",
    self_assessment=[
        SelfCheck("Do your figures (distributions, quality by feature, correlations) each answer a stated question?",
                  "week04_wine_eda/README.md#figures"),
        SelfCheck("Does your write-up separate pooled from within-type correlations (Simpson's paradox) and give "
                  "intervals?", "week04_wine_eda/README.md#write-up"),
        SelfCheck("Does your ethics section warn against over-claiming: a correlation with a subjective score is not "
                  "what makes a good wine?", "week04_wine_eda/README.md#ethics"),
    ],
)  # fmt: skip
