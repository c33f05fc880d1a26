"""Survival tables on a hand-computed fixture, the fast run, and bad input through the CLI."""

from pathlib import Path

import pandas as pd
import pytest

from shared.errors import DataError
from shared.testing import assert_user_error, run_cli
from week02_titanic import titanic_analysis
from week02_titanic.titanic_analysis import add_age_band, survival_table


def test_survival_table_matches_hand_computed_rates():
    df = pd.DataFrame({"Sex": ["f", "f", "f", "m", "m", "m", "m"], "Survived": [1, 1, 0, 0, 0, 1, 0]})
    table = survival_table(df, ["Sex"]).set_index("Sex")
    assert table.loc["f", "n"] == 3 and table.loc["f", "survived"] == 2
    assert table.loc["f", "rate"] == pytest.approx(2 / 3)
    assert table.loc["m", "rate"] == pytest.approx(1 / 4)
    # Wilson interval for 2 of 3, worked by hand: (0.2077, 0.9385)
    assert table.loc["f", "ci_low"] == pytest.approx(0.2077, abs=1e-4)
    assert table.loc["f", "ci_high"] == pytest.approx(0.9385, abs=1e-4)


def test_age_bands_are_left_closed():
    bands = add_age_band(pd.DataFrame({"Age": [0.4, 11.9, 12.0, 64.9, 65.0, 80.0]}))["AgeBand"].astype(str)
    assert bands.tolist() == ["0-11", "0-11", "12-17", "50-64", "65+", "65+"]


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("week02")
    return out, titanic_analysis.run(out, fast=True, seed=0)


def test_fast_run_writes_figures_and_clean_csv(fast_run):
    out, metrics = fast_run
    assert len(list(out.glob("*.png"))) == metrics["n_figures"] >= 4
    clean = pd.read_csv(out / "titanic_clean.csv")
    assert len(clean) == metrics["rows_in"] == metrics["rows_out"] == 891
    assert metrics["missing_handled_pct"] == 100
    assert all(t.met(metrics) for t in titanic_analysis.TARGETS)


def test_known_survival_facts(fast_run):
    _, m = fast_run
    assert m["rate_sex_female"] == pytest.approx(233 / 314)
    assert m["rate_class_1"] > m["rate_class_2"] > m["rate_class_3"]
    assert m["rate_sex_female_ci_low"] > m["rate_sex_male_ci_high"]  # the gap is far outside the noise
    assert "| sex × class | female, class 1 |" in titanic_analysis.report(m)


def test_wrong_columns_give_a_clear_error(tmp_path: Path):
    bad = tmp_path / "train.csv"
    bad.write_text("PassengerId,Survived\n1,0\n")
    with pytest.raises(DataError, match=r"missing column\(s\)"):
        titanic_analysis.run(tmp_path, data_path=bad)


def test_missing_file_gives_a_clear_error(tmp_path: Path):
    with pytest.raises(DataError, match="file not found"):
        titanic_analysis.run(tmp_path, data_path=tmp_path / "nope.csv")


def test_corrupt_data_file_exits_2_with_a_message_not_a_traceback(tmp_path: Path):
    """Through the real CLI: a wrong file in the data folder is refused by its hash, no network needed."""
    (tmp_path / "data" / "titanic").mkdir(parents=True)
    (tmp_path / "data" / "titanic" / "train.csv").write_text("PassengerId,Survived\n1,0\n")
    result = run_cli(
        "week02_titanic", "--fast", "--out", str(tmp_path / "out"), env={"ROADMAP_DATA_DIR": str(tmp_path / "data")}
    )
    assert_user_error(result, "does not match the registry")


def test_same_seed_same_metrics(fast_run, tmp_path: Path):
    assert titanic_analysis.run(tmp_path, fast=True, seed=0) == fast_run[1]
