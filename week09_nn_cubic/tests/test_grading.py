"""`roadmap grade week09`: the reference passes every check; each deliberately wrong solution fails the intended one.

The wrong solutions are in grading_fixtures/, each a working solution broken in one place. They are graded in
this process (`isolate=False`) on the intended check only, to keep the tests fast; the full grade of the reference
runs in a worker, as a learner's would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.grading.grader import grade
from shared.threads import torch_threads
from week09_nn_cubic import grading, nn_cubic

FIXTURES = Path(__file__).parent / "grading_fixtures"


@pytest.fixture(autouse=True)
def one_thread():
    with torch_threads(1):
        yield


@pytest.fixture
def small_budget(monkeypatch):
    """In-process grading of the fixtures with a fifth of the grader's budget: each mistake shows within it."""
    monkeypatch.setattr(grading, "N_TRAIN", 200)
    monkeypatch.setattr(grading, "EPOCHS", 40)


def test_the_reference_passes_every_check_and_beats_the_straight_line():
    report = grade("week09", reference=True)
    assert report.passed, report.to_text()
    metrics = {m.name: m for m in report.metrics}
    assert metrics["test_mse"].reference < metrics["test_mse"].baseline / 100, metrics["test_mse"]
    assert metrics["share_within_10pct"].reference > 0.8 > 0.2 > metrics["share_within_10pct"].baseline


def test_the_graders_constants_agree_with_the_lesson():
    assert grading.NOISE_STD == nn_cubic.Config().noise_std
    assert (grading.TINY_Y, grading.TOLERANCE) == (nn_cubic.TINY_Y, nn_cubic.TOLERANCE)
    x, y = grading.training_points(1000)
    assert x.min() >= -2 and x.max() <= 2 and (y - x**3).std() == pytest.approx(0.05, rel=0.1)


@pytest.mark.parametrize(
    ("fixture", "check", "hint"),
    [
        ("no_zero_grad.py", "training_improves_on_the_mean", "optimiser.zero_grad()"),
        ("squeezed_target.py", "predicts_more_than_a_constant", "broadcasts to (n, n)"),
        ("no_activation.py", "not_a_straight_line", "put a non-linearity"),
        ("unseeded.py", "same_seed_same_model", "torch.Generator().manual_seed(seed)"),
    ],
)
def test_each_wrong_solution_fails_the_intended_check_with_its_hint(fixture, check, hint, small_budget):
    report = grade("week09", FIXTURES / fixture, metrics=False, checks=[check], isolate=False)
    assert report.failed == {check}, report.to_text()
    assert hint in report.checks[-1].hint


def test_a_right_solution_passes_the_checks_the_fixtures_fail(small_budget):
    """The fixtures share everything but their mistake with unseeded.py's loop: fixed, it passes (no false alarm)."""
    right = FIXTURES / "unseeded.py"
    report = grade(
        "week09",
        right,
        metrics=False,
        isolate=False,
        checks=["training_improves_on_the_mean", "predicts_more_than_a_constant", "not_a_straight_line"],
    )
    assert report.passed, report.to_text()
