"""`roadmap grade week10`: the reference passes every check; each deliberately wrong solution fails the intended one.

The wrong solutions are in grading_fixtures/, each a working small CNN broken in one place. They are graded in this
process (`isolate=False`) on the intended check only, with a smaller budget, to keep the tests fast; the full grade
of the reference runs in a worker, as a learner's would.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from shared.grading.grader import grade
from shared.threads import torch_threads
from week10_cnn_cifar import grading

FIXTURES = Path(__file__).parent / "grading_fixtures"


@pytest.fixture
def small_budget(monkeypatch):
    """20 images per class and 2 epochs, one thread: each mistake already shows."""
    monkeypatch.setattr(grading, "PER_CLASS", 20)
    monkeypatch.setattr(grading, "EPOCHS", 2)
    grading.data.cache_clear()
    grading._trained.clear()
    with torch_threads(1):
        yield
    grading.data.cache_clear()
    grading._trained.clear()


@pytest.mark.slow  # over ~10 s on a busy 2-core CPU: `make test-slow`
def test_the_reference_passes_every_check_and_beats_the_baseline():
    report = grade("week10", reference=True)
    assert report.passed, report.to_text()
    accuracy = next(m for m in report.metrics if m.name == "held_out_accuracy")
    assert accuracy.reference >= 2 * accuracy.baseline, accuracy


def test_the_graders_data_is_balanced_and_in_class_order():
    x, y, x_test, y_test = grading.data()
    assert x.shape == (500, 32, 32, 3) and x.dtype == np.uint8 and x_test.shape == (grading.N_TEST, 32, 32, 3)
    assert (np.diff(y) >= 0).all() and np.bincount(y).tolist() == [grading.PER_CLASS] * 10  # class order
    assert len(np.unique(y_test)) == 10


@pytest.mark.parametrize(
    ("fixture", "check", "hint"),
    [
        pytest.param("train_mode_predict.py", "batch_independent", "call model.eval()", marks=pytest.mark.slow),
        pytest.param("unshuffled.py", "not_one_class", "shuffle the training images", marks=pytest.mark.slow),
        ("unseeded.py", "same_seed_same_model", "torch.Generator().manual_seed(seed)"),
        ("logits.py", "outputs_are_probabilities", "apply softmax"),
    ],
)
def test_each_wrong_solution_fails_the_intended_check_with_its_hint(fixture, check, hint, small_budget):
    report = grade("week10", FIXTURES / fixture, metrics=False, checks=[check], isolate=False)
    assert report.failed == {check}, report.to_text()
    assert hint in report.checks[-1].hint


def test_a_right_solution_passes_the_checks_the_fixtures_fail(small_budget):
    """unseeded.py is right everywhere but its seeding: it passes the other fixtures' checks (no false alarm)."""
    report = grade("week10", FIXTURES / "unseeded.py", metrics=False, isolate=False,
                   checks=["outputs_are_probabilities", "batch_independent"])  # fmt: skip
    assert report.passed, report.to_text()
