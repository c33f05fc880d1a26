"""`roadmap grade week07`: the reference passes every check with the curriculum's rubric; each deliberately wrong
solution fails the intended check."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.grading.grader import grade
from week07_titanic_tuned import grading
from week07_titanic_tuned import titanic_tuned as tt

FIXTURES = Path(__file__).parent / "grading_fixtures"


def test_the_reference_passes_every_check_under_the_curriculums_weights():
    report = grade("week07", reference=True)
    assert report.passed, report.to_text()
    assert report.weights == {"CV setup": 0.4, "tuning": 0.2, "interpretation": 0.2, "ethics": 0.1, "code": 0.1}
    assert report.score() == pytest.approx((70, 70))  # interpretation and ethics: self-assessed, not scored
    metrics = {m.name: m for m in report.metrics}
    assert metrics["test_accuracy"].reference > metrics["test_accuracy"].baseline  # tuning beats "women survive"
    assert metrics["estimate_gap"].reference <= grading.ESTIMATE_GAP


def test_the_graders_split_is_the_reference_split():
    _, X_test, _, y_test = tt.load_split(tt.FAST, grading.SEED)
    assert grading.data().X_test.equals(X_test) and grading.data().y_test.equals(y_test)


@pytest.mark.parametrize(
    ("fixture", "failed", "hint"),
    [
        ("drops_rows.py", {"clean_keeps_every_row"}, "never drop passengers"),
        ("imputes_from_the_batch.py", {"batch_independent"}, "never from the passengers being predicted"),
        ("scores_its_training_rows.py", {"estimate_is_honest"}, "scores rows the model trained on"),
        ("nobody_survives.py", {"predicts_both_classes"}, "gives everyone the same answer"),
    ],
)
def test_each_wrong_solution_fails_the_intended_check_with_its_hint(fixture, failed, hint):
    report = grade("week07", FIXTURES / fixture, metrics=False, isolate=False, checks=sorted(failed))
    assert report.failed == failed, report.to_text()
    assert any(hint in c.hint for c in report.checks if not c.passed)
