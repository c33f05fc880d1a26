"""`roadmap grade c2`: the reference passes every check; each deliberately wrong entry fails the intended one."""

from __future__ import annotations

from pathlib import Path

import pytest

from capstones.c2_spaceship_titanic import grading
from capstones.c2_spaceship_titanic import spaceship as sp
from shared.grading.grader import grade

FIXTURES = Path(__file__).parent / "grading_fixtures"


@pytest.mark.slow  # over ~10 s on a busy 2-core CPU: `make test-slow`
def test_the_reference_passes_every_check_on_unseen_travel_groups():
    report = grade("c2", reference=True)
    assert report.passed, report.to_text()
    metrics = {m.name: m for m in report.metrics}
    assert metrics["holdout_accuracy"].reference >= metrics["holdout_accuracy"].baseline + 0.2
    assert metrics["group_leakage"].reference == 0 < metrics["group_leakage"].baseline


@pytest.mark.slow  # over ~10 s on a busy 2-core CPU: `make test-slow`
def test_the_graders_split_is_the_reference_split():
    dev, holdout = sp.load_split(sp.FAST, grading.SEED)
    assert grading.data().X_train.index.equals(dev.index) and grading.data().X_test.index.equals(holdout.index)


@pytest.mark.parametrize(
    ("fixture", "failed", "hint"),
    [
        ("random_folds.py", {"folds_keep_groups_together"}, "StratifiedGroupKFold"),
        pytest.param(
            "everyone_transported.py", {"predicts_both_classes"}, "one answer for everyone", marks=pytest.mark.slow
        ),
        ("spend_relative_to_the_file.py", {"batch_independent"}, "never from the file being predicted"),
        ("unseeded.py", {"same_seed_same_model"}, "fixed `random_state`"),
    ],
)
def test_each_wrong_solution_fails_the_intended_check_with_its_hint(fixture, failed, hint):
    report = grade("c2", FIXTURES / fixture, metrics=False, isolate=False, checks=sorted(failed))
    assert report.failed == failed, report.to_text()
    assert any(hint in c.hint for c in report.checks if not c.passed)
