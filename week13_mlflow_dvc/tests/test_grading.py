"""`roadmap grade week13`: the reference passes every check; each deliberately wrong solution fails the intended one.

The wrong solutions are in grading_fixtures/ (each differs from the small right answer in `_common.py` in one
place). Every grade here runs in this process (`isolate=False`; isolation itself: tests/test_grading.py) and
tracks into a throw-away SQLite store, copied from the grader's cached empty one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.grading.grader import grade
from week13_mlflow_dvc import grading, model, tracking

FIXTURES = Path(__file__).parent / "grading_fixtures"


def test_the_reference_passes_every_check_and_its_champion_beats_the_mean():
    report = grade("week13", reference=True, isolate=False)  # isolation itself: tests/test_grading.py
    assert report.passed, report.to_text()
    assert report.score() == pytest.approx((100, 100))
    [metric] = report.metrics
    assert metric.learner == metric.reference  # grading the reference: "yours" is the reference
    assert metric.reference <= 0.85 * metric.baseline, metric  # the lesson's target: 15% under the mean's RMSE


def test_the_graders_constants_agree_with_the_lesson():
    assert grading.FEATURES == model.FEATURES and grading.TARGET == model.TARGET
    assert (grading.MODEL_NAME, grading.ALIAS) == (tracking.MODEL_NAME, tracking.ALIAS)
    assert grading.CANDIDATES == tracking.candidates(grading.GRIDS)
    assert grading.params().train.model_dump() == grading.TRAIN  # the lesson's schema accepts the grader's params
    sizes = {name: len(frame) for name, frame in grading.data().items()}
    assert sizes == {"train": 540, "val": 180, "test": 180}
    assert grading.data()["val"].merge(grading.data()["test"], how="inner").empty  # no wine in two splits


CASES = [
    ("scores_on_test.py", {"scored_on_validation"}, "the test split is for the champion only"),
    ("picks_highest_rmse.py", {"champion_is_lowest_validation_rmse"}, "lower is better"),
    ("forest_without_seed.py", {"same_seed_same_runs"}, "random_state"),
    ("tags_on_parent_only.py", {"tags_on_every_run"}, "do not inherit the parent's tags"),
    ("alias_set_once.py", {"alias_moves_to_each_new_version"}, "an alias left behind"),
    ("hard_coded_params.py", {"train_follows_params_and_seed"}, "hard-coded value"),
    ("trains_on_train_and_val.py", {"train_reads_only_train"}, "fits on train.parquet only"),
]


@pytest.mark.parametrize(("fixture", "failed", "hint"), CASES)
def test_each_wrong_solution_fails_the_intended_check_with_its_hint(fixture, failed, hint):
    """Graded on the checks of the intended check's rubric part: every MLflow check costs a tracked sweep, so the
    other parts (the right answer's pieces in every fixture) run in the slow test below."""
    parts = {c.part for c in grading.CHECKS if c.name in failed}
    checks = [c.name for c in grading.CHECKS if c.part in parts]
    report = grade("week13", FIXTURES / fixture, metrics=False, isolate=False, checks=checks)
    assert report.failed == failed, report.to_text()
    assert any(hint in c.hint for c in report.checks if not c.passed)
    assert f"FAIL  {sorted(failed)[0]}" in report.to_text()


@pytest.mark.slow
@pytest.mark.parametrize(("fixture", "failed", "hint"), CASES)
def test_each_wrong_solution_passes_every_other_check(fixture, failed, hint):
    report = grade("week13", FIXTURES / fixture, metrics=False, isolate=False)
    assert report.failed == failed, report.to_text()
