"""Cleaning keeps every row, rates and the patient split on fixtures, the fast run, and bad input."""

from pathlib import Path

import pandas as pd
import pytest

from capstones.c1_melanoma_eda import melanoma_report as mr
from shared.errors import DataError
from shared.testing import assert_user_error, run_cli


def tiny() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "image_name": [f"ISIC_{i}" for i in range(8)],
            "patient_id": ["P1", "P1", "P1", "P2", "P2", "P3", "P4", "P4"],
            "sex": ["male", "male", "male", None, None, "female", "female", "female"],
            "age_approx": [45.0, 45.0, 50.0, None, 80.0, 25.0, 60.0, 60.0],
            "anatom_site_general_challenge": ["torso", None, "torso", "head/neck", "torso", "torso", None, "torso"],
            "diagnosis": ["unknown"] * 7 + ["melanoma"],
            "benign_malignant": ["benign"] * 7 + ["malignant"],
            "target": [0] * 7 + [1],
        }
    )


def test_cleaning_keeps_every_row_and_makes_gaps_explicit():
    clean = mr.clean_metadata(tiny())
    assert len(clean) == 8
    assert clean["sex"].isna().sum() == 0 and (clean["sex"] == "unknown").sum() == 2
    assert (clean["site"] == "unknown").sum() == 2
    bands = ["40-49", "40-49", "50-59", "unknown", "80+", "<30", "60-69", "60-69"]
    assert clean["age_band"].astype(str).tolist() == bands


def test_inconsistent_labels_are_refused():
    bad = tiny()
    bad.loc[0, "target"] = 1
    with pytest.raises(DataError, match="benign_malignant"):
        mr.clean_metadata(bad)


def test_malignancy_table_matches_hand_count():
    table = mr.malignancy_table(mr.clean_metadata(tiny()), "sex").set_index("sex")
    assert table.loc["female", "n"] == 3 and table.loc["female", "malignant"] == 1
    assert table.loc["female", "rate"] == pytest.approx(1 / 3)
    assert table.loc["female", "ci_low"] < 1 / 3 < table.loc["female", "ci_high"]


def test_grouped_split_never_shares_a_patient():
    df = pd.DataFrame({"patient_id": [f"P{i // 5}" for i in range(500)], "target": [i % 50 == 0 for i in range(500)]})
    leak = mr.split_leakage(df.astype({"target": int}), seed=0)
    assert leak["group_split_shared_patients"] == 0 and leak["group_split_leaked_test_images_pct"] == 0
    assert leak["random_split_shared_patients"] > 0


@pytest.fixture(scope="module")
def fast_metrics(tmp_path_factory):
    out = tmp_path_factory.mktemp("c1")
    return out, mr.run(out, fast=True, seed=0)


def test_fast_run_reproduces_the_known_numbers(fast_metrics):
    out, m = fast_metrics
    assert len(list(out.glob("*.png"))) == m["n_figures"] >= 5
    assert all(t.met(m) for t in mr.TARGETS)
    assert m["n_images"] == 33126 and m["rows_dropped"] == 0
    assert 1.6 < m["malignant_pct"] < 1.9  # the ~1.8% the issue quotes
    assert m["random_split_leaked_test_images_pct"] > 90  # an image-level split leaks almost every patient
    assert m["age_band_80+_malignant_pct"] > m["age_band_40-49_malignant_pct"]
    assert "grouped, by patient" in mr.report(m)


def test_wrong_columns_give_a_clear_error(tmp_path: Path):
    bad = tmp_path / "meta.csv"
    bad.write_text("image_name,target\nISIC_1,0\n")
    with pytest.raises(DataError, match="patient_id"):
        mr.run(tmp_path, data_path=bad)


def test_corrupt_data_file_exits_2_with_a_message_not_a_traceback(tmp_path: Path):
    (tmp_path / "melanoma").mkdir()
    (tmp_path / "melanoma" / "ISIC_2020_Training_GroundTruth.csv").write_text("image_name\nISIC_1\n")
    result = run_cli(
        "capstones.c1_melanoma_eda", "--fast", "--out", str(tmp_path / "o"), env={"ROADMAP_DATA_DIR": str(tmp_path)}
    )
    assert_user_error(result, "does not match the registry")
