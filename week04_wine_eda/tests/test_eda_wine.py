"""Cleaning (duplicates, no missing values), statistics on fixtures, the fast run, and bad input."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from shared.errors import DataError
from shared.testing import assert_user_error, run_cli
from week04_wine_eda import eda_wine
from week04_wine_eda.eda_wine import FEATURES, clean_wine, cohens_d, duplicate_counts, load_combined, welch_tests


@pytest.fixture(scope="module")
def combined() -> pd.DataFrame:
    return load_combined()


def test_combined_has_both_types_and_all_rows(combined):
    assert combined["type"].value_counts().to_dict() == {"white": 4898, "red": 1599}


def test_no_missing_values_after_cleaning(combined):
    """The seed's test: cleaning leaves no missing value anywhere."""
    assert clean_wine(combined).isna().sum().sum() == 0


def test_duplicates_are_counted_per_type_and_dropped(combined):
    counts = duplicate_counts(combined)
    assert counts == {"duplicates_red": 240, "duplicates_white": 937}
    clean = clean_wine(combined)
    assert len(clean) == len(combined) - 240 - 937
    assert not clean.duplicated().any()
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
    assert row["t"] == pytest.approx(-2 / np.sqrt(1 / 3 + 1 / 3))
    assert 0.05 < row["p"] < 0.1


def test_fast_run_writes_five_figures_and_known_facts(tmp_path):
    m = eda_wine.run(tmp_path, fast=True, seed=0)
    assert len(list(tmp_path.glob("*.png"))) == m["n_figures"] >= 5
    assert all(t.met(m) for t in eda_wine.TARGETS)
    assert m["corr_alcohol_quality"] > 0.4  # the strongest single relation in the data
    assert m["total_sulfur_dioxide_cohens_d"] < -1.5  # whites carry far more SO₂
    assert m["quality_9_red"] == 0 and m["quality_9_white"] == 5
    assert "Welch" in eda_wine.report(m)


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
