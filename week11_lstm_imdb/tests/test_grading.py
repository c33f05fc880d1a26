"""`roadmap grade week11`: the reference passes every check; each deliberately wrong solution fails the intended one.

The wrong solutions are in grading_fixtures/, each a small bag-of-words network (fast; the mistakes are the same
with an LSTM) broken in one place. They are graded in this process (`isolate=False`) on the intended check only,
with half the grader's reviews. The reference is graded in this process too (it is trusted code; no time limits).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.grading.grader import grade
from shared.threads import torch_threads
from week11_lstm_imdb import grading

FIXTURES = Path(__file__).parent / "grading_fixtures"


@pytest.fixture(autouse=True)
def one_thread():
    with torch_threads(1):
        yield


@pytest.fixture
def small_budget(monkeypatch):
    monkeypatch.setattr(grading, "N_TRAIN", 600)
    monkeypatch.setattr(grading, "N_TEST", 200)
    grading.data.cache_clear()
    grading._fitted.clear()
    yield
    grading.data.cache_clear()
    grading._fitted.clear()


@pytest.mark.slow  # the LSTM + n-gram ensemble on 1,200 reviews: about a minute on a busy 2-core CPU
def test_the_reference_passes_every_check_and_its_validation_is_honest():
    report = grade("week11", reference=True, isolate=False)
    assert report.passed, report.to_text()
    metrics = {m.name: m for m in report.metrics}
    assert metrics["held_out_accuracy"].reference >= 0.7, metrics
    assert abs(metrics["validation_optimism"].reference) <= grading.OPTIMISM_BAR


def test_foreign_words_are_those_absent_from_the_training_texts():
    texts = ["A gripping film, truly gripping.", "Dull <br />and slow."]
    assert grading.foreign_words(["<pad>", "<unk>", "gripping", "dull", "grip", "zorblatt", "[CLS]"], texts) == [
        "zorblatt"  # "grip" is a piece of "gripping"; special tokens are not words
    ]


@pytest.mark.parametrize(
    ("fixture", "checks", "hint"),
    [
        pytest.param(
            "eval_on_train.py",
            ["honest_validation"],
            "accuracy on the training reviews measures memory",
            marks=pytest.mark.slow,
        ),
        pytest.param(
            "vocab_from_test.py",
            ["vocabulary_from_training_texts", "reads_no_data_files"],
            "never from test reviews",
            marks=pytest.mark.slow,
        ),
        ("dropout_at_eval.py", ["deterministic_predictions"], "call model.eval()"),
    ],
)
def test_each_wrong_solution_fails_the_intended_check_with_its_hint(fixture, checks, hint, small_budget):
    report = grade("week11", FIXTURES / fixture, metrics=False, checks=checks, isolate=False)
    assert report.failed == set(checks), report.to_text()
    assert any(hint in c.hint for c in report.checks if not c.passed)


def test_a_right_solution_passes_every_check(small_budget):
    """The fixtures' shared bag-of-words model, mistakes removed (dropout_at_eval's, with eval mode restored)."""
    report = grade("week11", FIXTURES / "eval_on_train.py", metrics=False, isolate=False,
                   checks=[c.name for c in grading.CHECKS if c.name != "honest_validation"])  # fmt: skip
    assert report.passed, report.to_text()
