"""`roadmap grade week05`: the reference passes every check; each deliberately wrong model fails the intended one."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.grading.grader import grade
from week05_house_prices import grading
from week05_house_prices import house_price_model as hp

FIXTURES = Path(__file__).parent / "grading_fixtures"


def test_the_reference_passes_every_check_and_beats_the_mean_predictor():
    report = grade("week05", reference=True)  # in a worker process, as a learner's solution is graded
    assert report.passed, report.to_text()
    rmse = next(m for m in report.metrics if m.name == "test_rmse")
    assert rmse.learner == rmse.reference <= grading.RATIO_BAR * rmse.baseline


def test_the_graders_split_is_the_reference_split():
    d = grading.data()
    X, y = hp.load_data(grading.N_ROWS, grading.SEED)
    X_train, X_test, _, _ = hp.split(X, y, hp.FAST, grading.SEED)
    assert d.X_train.index.equals(X_train.index) and d.X_test.index.equals(X_test.index)
    assert list(d.X_train.columns) == hp.FEATURES == grading.FEATURES


@pytest.mark.parametrize(
    ("fixture", "failed", "hint"),
    [
        ("batch_scaler.py", {"batch_independent"}, "never `fit_transform` the rows"),
        ("scaler_on_all_data.py", {"reads_only_its_arguments"}, "'fitted on all data'"),
        ("no_better_than_the_mean.py", {"beats_the_mean"}, "no better than predicting the average"),
        ("unseeded.py", {"same_seed_same_model"}, "fixed `random_state`"),
    ],
)
def test_each_wrong_solution_fails_the_intended_check_with_its_hint(fixture, failed, hint):
    # In process, the intended check only (the worker's isolation is tested once, in tests/test_grading.py).
    report = grade("week05", FIXTURES / fixture, metrics=False, isolate=False, checks=sorted(failed))
    assert report.failed == failed, report.to_text()
    assert any(hint in c.hint for c in report.checks if not c.passed)
