"""`roadmap grade week06`: the reference passes every check; each deliberately wrong classifier fails the intended
one."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.grading.grader import grade
from week06_cancer_classifier import cancer_classifier as cc
from week06_cancer_classifier import grading

FIXTURES = Path(__file__).parent / "grading_fixtures"


def test_the_reference_passes_every_check_and_catches_cancers_the_baseline_misses():
    report = grade("week06", reference=True)
    assert report.passed, report.to_text()
    metrics = {m.name: m for m in report.metrics}
    assert metrics["test_auc"].reference >= grading.AUC_BAR > metrics["test_auc"].baseline
    assert metrics["test_recall"].reference >= grading.RECALL_BAR and metrics["test_recall"].baseline == 0


def test_the_graders_split_is_the_reference_split():
    X, y = cc.load_data()
    _, X_test, _, y_test = cc.split(X, y, cc.FAST, grading.SEED)
    assert grading.data().X_test.index.equals(X_test.index) and grading.data().y_test.equals(y_test)


@pytest.mark.parametrize(
    ("fixture", "failed", "hint"),
    [
        ("always_malignant.py", {"predicts_both_classes"}, "does not mean calling every tumour malignant"),
        ("benign_is_positive.py", {"bigger_tumours_score_higher"}, "scikit-learn codes benign as 1"),
        ("batch_scaler.py", {"batch_independent"}, "never on the rows being predicted"),
        ("default_threshold_weak_model.py", {"recall_first"}, "instead of the default 0.5"),
    ],
)
def test_each_wrong_solution_fails_the_intended_check_with_its_hint(fixture, failed, hint):
    report = grade("week06", FIXTURES / fixture, metrics=False, isolate=False, checks=sorted(failed))
    assert report.failed == failed, report.to_text()
    assert any(hint in c.hint for c in report.checks if not c.passed)
