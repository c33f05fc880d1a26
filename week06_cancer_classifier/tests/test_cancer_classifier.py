"""Week 6: valid metrics, recall and AUC above the bars, a threshold that really reaches the recall goal."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from shared.errors import DataError
from shared.testing import assert_user_error, run_cli
from week06_cancer_classifier.cancer_classifier import (
    RECALL_GOAL,
    TARGETS,
    feature_names,
    load_data,
    predict_file,
    run,
    threshold_for_recall,
)


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("week06")
    return out, run(out, fast=True, seed=42)


def test_f1_is_a_valid_score(fast_run):
    _, metrics = fast_run
    assert 0 <= metrics["test_f1"] <= 1


def test_auc_and_recall_above_thresholds(fast_run):
    _, metrics = fast_run
    for target in TARGETS:
        assert target.met(metrics), str(target)
    assert metrics["val_recall"] >= RECALL_GOAL


def test_lower_threshold_never_loses_recall(fast_run):
    _, metrics = fast_run
    assert metrics["threshold"] < 0.5
    assert metrics["test_recall"] >= metrics["test_recall_at_0.5"]


def test_artefacts_written(fast_run):
    out, _ = fast_run
    for name in ["model.skops", "model.json", "MODEL_CARD.md", "roc_pr_curves.png", "confusion_matrix.png"]:
        assert (out / name).is_file(), name
    assert "not a diagnostic tool" in (out / "MODEL_CARD.md").read_text().lower()


def test_threshold_for_recall_picks_highest_that_reaches_goal():
    y = np.array([1, 1, 1, 1, 0, 0])
    scores = np.array([0.9, 0.8, 0.6, 0.3, 0.4, 0.1])
    assert threshold_for_recall(y, scores, 0.75) == pytest.approx(0.6)
    assert threshold_for_recall(y, scores, 1.0) == pytest.approx(0.3)


def test_malignant_is_the_positive_class():
    _, y = load_data()
    assert y.sum() == 212  # 212 malignant, 357 benign in the Wisconsin data


def test_predict_labels_rows(fast_run, tmp_path):
    out, _ = fast_run
    X, y = load_data()
    X.iloc[:20].to_csv(tmp_path / "in.csv", index=False)
    result = pd.read_csv(predict_file(out / "model.skops", tmp_path / "in.csv", tmp_path / "out.csv"))
    expected = np.where(y.iloc[:20] == 1, "malignant", "benign")
    assert (result["prediction"].to_numpy() == expected).mean() >= 0.9


def test_predict_rejects_missing_values(fast_run, tmp_path):
    out, _ = fast_run
    X, _ = load_data()
    bad = X.iloc[:2].copy()
    bad.iloc[1, 0] = np.nan
    bad.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(DataError, match="missing value"):
        predict_file(out / "model.skops", tmp_path / "bad.csv", tmp_path / "out.csv")


def test_predict_cli_rejects_wrong_columns(fast_run, tmp_path):
    out, _ = fast_run
    pd.DataFrame({"radius": [1.0]}).to_csv(tmp_path / "bad.csv", index=False)
    result = run_cli(
        "week06_cancer_classifier", "predict", str(tmp_path / "bad.csv"), "--model", str(out / "model.skops")
    )
    assert_user_error(result, "missing column", feature_names()[0])
