"""Survival tables and gaps on hand-computed fixtures, the fast run's findings, the README template, bad input."""

import re
from pathlib import Path

import pandas as pd
import pytest

from shared.errors import DataError
from shared.templates import render
from shared.testing import assert_user_error, run_cli
from week02_titanic import titanic_analysis as ta

TEMPLATE = Path(ta.__file__).parent / "templates" / "results.md"


def test_survival_table_matches_hand_computed_rates():
    df = pd.DataFrame({"Sex": ["f", "f", "f", "m", "m", "m", "m"], "Survived": [1, 1, 0, 0, 0, 1, 0]})
    table = ta.survival_table(df, ["Sex"]).set_index("Sex")
    assert table.loc["f", "n"] == 3 and table.loc["f", "survived"] == 2
    assert table.loc["f", "rate"] == pytest.approx(2 / 3)
    assert table.loc["m", "rate"] == pytest.approx(1 / 4)
    # Wilson interval for 2 of 3, worked by hand: (0.2077, 0.9385)
    assert table.loc["f", "ci_low"] == pytest.approx(0.2077, abs=1e-4)
    assert table.loc["f", "ci_high"] == pytest.approx(0.9385, abs=1e-4)


def test_survival_gap_reproduces_newcombes_worked_example():
    """Newcombe (1998), Stat Med 17:873, example (a): 56/70 vs 48/80 → 0.2000, 95% CI 0.0524 to 0.3339."""
    df = pd.DataFrame({"group": ["a"] * 70 + ["b"] * 80, "Survived": [1] * 56 + [0] * 14 + [1] * 48 + [0] * 32})
    gap = ta.survival_gap(df, "group", "a", "b")
    assert gap["gap"] == pytest.approx(0.2)
    assert gap["ci_low"] == pytest.approx(0.0524, abs=1e-4)
    assert gap["ci_high"] == pytest.approx(0.3339, abs=1e-4)
    assert ta.survival_gap(df, "group", "b", "a")["gap"] == pytest.approx(-0.2)  # the direction is kept


def test_age_bands_are_left_closed_and_labelled_from_the_edges():
    assert ta.age_labels((0, 12, 18, 65, 120)) == ["0-11", "12-17", "18-64", "65+"]
    bands = ta.add_age_band(pd.DataFrame({"Age": [0.4, 11.9, 12.0, 64.9, 65.0, 80.0]}))["AgeBand"].astype(str)
    assert bands.tolist() == ["0-11", "0-11", "12-17", "50-64", "65+", "65+"]


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("week02")
    return out, ta.run(out, fast=True, seed=0)


def test_fast_run_keeps_every_row_fills_every_gap_and_draws_the_figures(fast_run):
    """The old checklist targets (rows dropped, missing handled, figures), as checks that can fail."""
    out, result = fast_run
    assert len(result.tables["titanic_clean"]) == result.metrics["n_passengers"] == 891
    missing = result.tables["missing"].set_index("column")
    assert missing["missing"].to_dict() == {"Cabin": 687, "Age": 177, "Embarked": 2}
    assert (missing["missing_after"] == 0).all()
    assert result.tables["titanic_clean"].isna().sum().sum() == 0
    assert len(result.figures) >= 4 and all(p.parent == out and p.stat().st_size > 10_000 for p in result.figures)


def test_known_survival_facts(fast_run):
    _, result = fast_run
    m, sex = result.metrics, result.tables["survival_by_sex"].set_index("Sex")
    assert sex.loc["female", "rate"] == pytest.approx(233 / 314)
    assert sex.loc["female", "ci_low"] > sex.loc["male", "ci_high"]  # the gap is far outside the noise
    rates = result.tables["survival_by_class"].set_index("Pclass")["rate"]
    assert rates[1] > rates[2] > rates[3]
    assert m["female_minus_male_survival_rate"] == pytest.approx(233 / 314 - 109 / 577)
    assert 0.45 < m["female_minus_male_survival_rate_ci_low"] < m["female_minus_male_survival_rate_ci_high"] < 0.65
    # Missing-data impact: passengers without a recorded age survived less often, beyond the noise.
    assert m["age_recorded_minus_missing_survival_rate_ci_low"] > 0


def test_readme_template_renders_every_group(fast_run):
    _, result = fast_run
    text = render(TEMPLATE, m=result.metrics, tables=result.tables, run={})
    assert "| sex × class | female, class 1 | 94 | 96.8% |" in text
    assert "| female minus male | +55.3 | +49.2 to +60.7 |" in text
    assert "{{" not in text and not re.search(r"\bnan\b", text)


def test_wrong_columns_give_a_clear_error(tmp_path: Path):
    bad = tmp_path / "train.csv"
    bad.write_text("PassengerId,Survived\n1,0\n")
    with pytest.raises(DataError, match=r"missing column\(s\)"):
        ta.load(bad)


def test_missing_file_gives_a_clear_error(tmp_path: Path):
    with pytest.raises(DataError, match="file not found"):
        ta.load(tmp_path / "nope.csv")


def test_corrupt_data_file_exits_2_with_a_message_and_writes_nothing(tmp_path: Path):
    """Through the real CLI: a wrong file in the data folder is refused by its hash, no network needed."""
    (tmp_path / "data" / "titanic").mkdir(parents=True)
    (tmp_path / "data" / "titanic" / "train.csv").write_text("PassengerId,Survived\n1,0\n")
    out = tmp_path / "out"
    result = run_cli("week02_titanic", "--fast", "--out", str(out), env={"ROADMAP_DATA_DIR": str(tmp_path / "data")})
    assert_user_error(result, "does not match the registry")
    assert not any(out.rglob("*.*"))  # no half-written outputs
