"""`roadmap grade c4`: the reference passes every check; each deliberately wrong solution fails the intended one.

The wrong solutions are in grading_fixtures/: each takes the correct functions of `_common.py` (written
independently of the lesson, and passing every check as `right_answer.py`) and replaces one with a classic mistake.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from capstones.c4_interview import grading
from shared.grading.grader import grade

FIXTURES = Path(__file__).parent / "grading_fixtures"


def test_the_reference_passes_every_check_and_agrees_with_the_libraries_far_better_than_the_baselines():
    report = grade("c4", reference=True, isolate=False)  # isolation (worker, limits): tests/test_grading.py
    assert report.passed, report.to_text()
    assert report.score() == pytest.approx((100, 100))
    metrics = {m.name: m for m in report.metrics}
    assert set(metrics) == {"logreg_max_abs_diff", "backprop_max_abs_diff", "attention_max_abs_diff"}
    assert metrics["logreg_max_abs_diff"].reference < 1e-6 < 0.5 < metrics["logreg_max_abs_diff"].baseline
    assert metrics["backprop_max_abs_diff"].reference < 1e-13 < 1e-11 < metrics["backprop_max_abs_diff"].baseline
    assert metrics["attention_max_abs_diff"].reference < 1e-13 < 0.5 < metrics["attention_max_abs_diff"].baseline


def test_an_independent_right_answer_passes_every_check():
    report = grade("c4", FIXTURES / "right_answer.py", metrics=False, isolate=False)
    assert report.passed, report.to_text()


def test_the_graders_library_answer_is_the_lessons_objective():
    """The grader compares with LogisticRegression(C=1) at l2 = 1/n, the identity interview.py states."""
    X, y = grading.logistic_data()
    w, b = grading.Reference.logistic_regression_gd(X, y, l2=1 / len(X), epochs=grading.LOGREG_EPOCHS)
    w_sk, b_sk = grading.sklearn_logistic(X, y)
    assert grading.largest(w - w_sk, b - b_sk) < 1e-6
    assert grading.largest([1.0, float("nan")], 0.0) != grading.largest([1.0], 0.0)  # NaN is never "small"


@pytest.mark.parametrize(
    ("fixture", "failed", "hint"),
    [
        ("sigmoid_overflows.py", {"sigmoid_is_stable"}, "inf/inf = NaN"),
        ("gradient_without_1_over_n.py", {"logistic_regression_matches_sklearn"}, "without the 1/n"),
        ("pca_not_centred.py", {"pca_matches_sklearn"}, "centre the data"),
        ("softmax_without_max.py", {"attention_survives_large_scores"}, "subtract each row's maximum"),
        ("confusion_transposed.py", {"confusion_matrix_matches_sklearn"}, "rows are the TRUE class"),
        ("precision_recall_swapped.py", {"precision_recall_f1_match_sklearn"}, "a swap hides behind a correct F1"),
        ("kfold_drops_leftover.py", {"kfold_matches_sklearn"}, "n // k rows per fold drops them"),
        ("cv_fitted_on_all_rows.py", {"cross_validation_matches_sklearn"}, "flatters itself"),
    ],
)
def test_each_wrong_solution_fails_the_intended_check_with_its_hint(fixture, failed, hint):
    report = grade("c4", FIXTURES / fixture, metrics=False, isolate=False)  # every check: only the intended fails
    assert report.failed == failed, report.to_text()
    assert any(hint in c.hint for c in report.checks if not c.passed)
    assert f"FAIL  {sorted(failed)[0]}" in report.to_text()
