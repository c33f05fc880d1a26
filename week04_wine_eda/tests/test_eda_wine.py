"""Cleaning (duplicates, no missing values), statistics on hand-computed fixtures, the fast run's findings, the
README template, and bad input."""

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from shared.errors import DataError
from shared.templates import render
from shared.testing import assert_user_error, run_cli
from week04_wine_eda import eda_wine
from week04_wine_eda.eda_wine import FEATURES, clean_wine, cohens_d, duplicate_counts, load_combined, welch_tests

TEMPLATE = Path(eda_wine.__file__).parent / "templates" / "results.md"


@pytest.fixture(scope="module")
def combined() -> pd.DataFrame:
    return load_combined()


def test_combined_has_both_types_and_all_rows(combined):
    assert combined["type"].value_counts().to_dict() == {"white": 4898, "red": 1599}


def test_duplicates_are_counted_per_type_and_dropped(combined):
    counts = duplicate_counts(combined)
    assert counts == {"duplicates_red": 240, "duplicates_white": 937}
    clean = clean_wine(combined)
    assert len(clean) == len(combined) - 240 - 937
    assert not clean.duplicated().any()
    assert clean.isna().sum().sum() == 0  # was the target `missing_after_cleaning <= 0`
    assert clean_wine(clean).equals(clean)  # idempotent


def test_red_and_white_with_equal_measurements_are_not_merged():
    row = {c: 1.0 for c in FEATURES} | {"quality": 5}
    df = pd.DataFrame([row | {"type": "red"}, row | {"type": "white"}, row | {"type": "white"}])
    assert clean_wine(df)["type"].tolist() == ["red", "white"]


def test_missing_value_after_cleaning_is_a_clear_error():
    row = {c: 1.0 for c in FEATURES} | {"quality": 5, "type": "red"}
    with pytest.raises(DataError, match="alcohol"):
        clean_wine(pd.DataFrame([row, row | {"alcohol": np.nan}]))


def test_cohens_d_and_welch_on_a_hand_computed_fixture():
    a, b = pd.Series([1.0, 2.0, 3.0]), pd.Series([3.0, 4.0, 5.0])
    assert cohens_d(a, b) == pytest.approx(-2.0)  # means differ by 2, both SDs are 1
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 3.0, 4.0, 5.0], "type": ["red"] * 3 + ["white"] * 3})
    row = welch_tests(df, ["x"]).iloc[0]
    se = math.sqrt(1 / 3 + 1 / 3)
    assert row["t"] == pytest.approx(-2 / se)
    assert 0.05 < row["p"] < 0.1
    # Equal variances and sizes: Welch's df is 4, and t(0.975, 4) = 2.7764.
    assert row["diff"] == pytest.approx(-2.0)
    assert (row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx((-2 - 2.7764 * se, -2 + 2.7764 * se), abs=1e-3)


def test_pearson_interval_is_fishers():
    rng = np.random.default_rng(0)
    x = pd.Series(rng.normal(size=50))
    y = x + pd.Series(rng.normal(size=50))
    r, low, high = eda_wine.pearson_with_ci(x, y)
    z, se = math.atanh(r), 1 / math.sqrt(50 - 3)
    assert (low, high) == pytest.approx((math.tanh(z - 1.95996 * se), math.tanh(z + 1.95996 * se)), abs=1e-4)


def test_within_type_correlations_can_disagree_with_the_pooled_one():
    """Simpson's paradox on a fixture: within each type more alcohol goes with *lower* quality, but whites have
    both more alcohol and higher scores, so the pooled correlation is positive."""
    rng = np.random.default_rng(0)
    rows = []
    for kind, shift in (("red", 0.0), ("white", 10.0)):
        for a in range(5):
            other = {c: rng.normal() for c in FEATURES}
            rows.append(other | {"alcohol": shift + a, "quality": shift - a, "type": kind})
    table = eda_wine.quality_correlations(pd.DataFrame(rows)).set_index("feature")
    assert table.loc["alcohol", "r"] > 0.5
    assert table.loc["alcohol", "r_red"] == pytest.approx(-1) and table.loc["alcohol", "r_white"] == pytest.approx(-1)


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("week04")
    return out, eda_wine.run(out, fast=True, seed=0)


def test_fast_run_draws_the_figures_and_finds_the_known_facts(fast_run):
    out, result = fast_run
    m = result.metrics
    assert len(result.figures) >= 5 and all(p.parent == out and p.stat().st_size > 10_000 for p in result.figures)
    # The strongest single relation, clearly away from zero, and present within both types (not Simpson's).
    assert 0.4 < m["corr_alcohol_quality_ci_low"] < m["corr_alcohol_quality"] < m["corr_alcohol_quality_ci_high"]
    assert m["corr_alcohol_quality_ci_high"] - m["corr_alcohol_quality_ci_low"] < 0.06
    alcohol = result.tables["quality_correlations"].iloc[0]
    assert alcohol["feature"] == "alcohol" and alcohol["r_red"] > 0.4 and alcohol["r_white"] > 0.4
    tests = result.tables["welch_tests"].set_index("property")
    assert tests.loc["total sulfur dioxide", "d"] < -1.5  # whites carry far more SO₂
    assert tests.loc["total sulfur dioxide", "diff_ci_high"] < 0
    counts = result.tables["quality_counts"].set_index("quality")
    assert counts.loc[9, "red"] == 0 and counts.loc[9, "white"] == 5
    assert counts.to_numpy().sum() == m["rows_clean"] == m["n_red"] + m["n_white"]


def test_readme_template_renders(fast_run):
    _, result = fast_run
    text = render(TEMPLATE, m=result.metrics, tables=result.tables, run={})
    assert "| total sulfur dioxide | 46.8 | 137 |" in text and "< 1e-300" in text
    assert "{{" not in text and not re.search(r"\bnan\b", text)


def test_wrong_columns_give_a_clear_error(tmp_path: Path):
    bad = tmp_path / "red.csv"
    bad.write_text("a;b\n1;2\n")
    with pytest.raises(DataError, match=r"missing column\(s\)"):
        load_combined(red_path=bad)


def test_corrupt_data_file_exits_2_with_a_message_not_a_traceback(tmp_path: Path):
    (tmp_path / "wine_quality").mkdir()
    (tmp_path / "wine_quality" / "winequality-red.csv").write_text("quality;alcohol\n5;9.4\n")
    result = run_cli(
        "week04_wine_eda", "--fast", "--out", str(tmp_path / "out"), env={"ROADMAP_DATA_DIR": str(tmp_path)}
    )
    assert_user_error(result, "winequality-red.csv does not match the registry")
