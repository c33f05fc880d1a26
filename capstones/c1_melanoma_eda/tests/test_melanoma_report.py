"""Cleaning keeps every row, rates, intervals and the patient split on fixtures, the fast run's findings, the README
template, and bad input."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from capstones.c1_melanoma_eda import melanoma_report as mr
from shared.errors import DataError
from shared.templates import render
from shared.testing import assert_user_error, run_cli

TEMPLATE = Path(mr.__file__).parent / "templates" / "results.md"


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
    # Wilson interval for 1 of 3, worked by hand: (0.0615, 0.7923)
    assert (table.loc["female", "ci_low"], table.loc["female", "ci_high"]) == pytest.approx((0.0615, 0.7923), abs=1e-4)


def clustered(patients: int, images: int, seed: int = 0) -> pd.DataFrame:
    """Every patient has `images` images that are all malignant or all benign: the extreme of clustering."""
    sick = np.random.default_rng(seed).random(patients) < 0.2
    return pd.DataFrame({"patient_id": np.repeat(np.arange(patients), images), "target": np.repeat(sick, images)})


def test_patient_bootstrap_widens_the_interval_when_images_cluster():
    """With all of a patient's images sharing the label, 20 images are worth one: the honest interval must be far
    wider than Wilson's (about sqrt(20) ≈ 4.5×); with one image per patient the two must agree."""
    for images, low, high in ((20, 3.5, 5.5), (1, 0.9, 1.1)):
        meta = clustered(400, images).astype({"target": int})
        intervals = mr.prevalence_intervals(meta, mr.per_patient(meta), resamples=2000, seed=0)
        widening = intervals["width"].iloc[1] / intervals["width"].iloc[0]
        assert low < widening < high, (images, widening)


def test_grouped_split_never_shares_a_patient():
    ids = [f"P{i // 5}" for i in range(500)]  # five images per patient
    df = pd.DataFrame({"patient_id": ids, "target": [int(i % 50 == 0) for i in range(500)]})
    leak = mr.split_leakage(df, seed=0).set_index("split")
    assert leak.loc["grouped, by patient", "patients_in_both"] == 0
    assert leak.loc["grouped, by patient", "leaked_test_images"] == 0
    assert leak.loc["random, by image", "patients_in_both"] > 0


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("c1")
    return out, mr.run(out, fast=True, seed=0)


def test_fast_run_reproduces_the_known_numbers(fast_run):
    out, result = fast_run
    m = result.metrics
    assert len(result.figures) >= 5 and all(p.parent == out and p.stat().st_size > 10_000 for p in result.figures)
    assert m["n_images"] == 33126 and m["n_patients"] == 2056 and m["n_malignant"] == 584  # no row dropped
    assert m["malignant_rate_ci_low"] < 584 / 33126 < m["malignant_rate_ci_high"]
    assert 1.1 < m["interval_widening"] < 1.8  # images of one patient are correlated, but far from identical
    assert m["n_patients_with_malignant"] == 428
    leak = result.tables["split_leakage"].set_index("split")
    assert leak.loc["random, by image", "leaked_test_images"] > 0.9  # an image split leaks almost every patient
    assert leak.loc["grouped, by patient", "patients_in_both"] == 0  # was a target that could not fail
    ages = result.tables["malignancy_by_age_band"].set_index("age_band")
    assert ages.loc["80+", "ci_low"] > ages.loc["40-49", "ci_high"]  # risk rises with age, beyond the noise


def test_same_seed_same_numbers_other_seed_other_bootstrap(fast_run, tmp_path):
    _, result = fast_run
    meta = mr.clean_metadata(mr.load())
    patients = mr.per_patient(meta)
    again = mr.patient_bootstrap_ci(patients, mr.FAST.bootstrap_resamples, seed=0)
    assert again == (result.metrics["malignant_rate_ci_low"], result.metrics["malignant_rate_ci_high"])
    assert mr.patient_bootstrap_ci(patients, mr.FAST.bootstrap_resamples, seed=1) != again


def test_readme_template_renders(fast_run):
    _, result = fast_run
    text = render(TEMPLATE, m=result.metrics, tables=result.tables, run={})
    assert "| age band | 80+ | 648 | 9.41% |" in text and "| grouped, by patient | 0 | 0.0% |" in text
    assert "{{" not in text and not re.search(r"\bnan\b", text)


def test_wrong_columns_give_a_clear_error(tmp_path: Path):
    bad = tmp_path / "meta.csv"
    bad.write_text("image_name,target\nISIC_1,0\n")
    with pytest.raises(DataError, match="patient_id"):
        mr.load(bad)


def test_corrupt_data_file_exits_2_with_a_message_not_a_traceback(tmp_path: Path):
    (tmp_path / "melanoma").mkdir()
    (tmp_path / "melanoma" / "ISIC_2020_Training_GroundTruth.csv").write_text("image_name\nISIC_1\n")
    result = run_cli(
        "capstones.c1_melanoma_eda", "--fast", "--out", str(tmp_path / "o"), env={"ROADMAP_DATA_DIR": str(tmp_path)}
    )
    assert_user_error(result, "does not match the registry")
